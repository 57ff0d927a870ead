package io.dlf.serving.grpc;

import com.google.inject.Inject;
import com.google.inject.Singleton;
import io.dlf.serving.version.VersionListener;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;

/**
 * Per-model readiness in {@code grpc.health.v1}: the service name {@code models/<model>} is
 * SERVING while the model has an AVAILABLE version, so a load balancer or Kubernetes probe can
 * ask about one model.
 */
@Singleton
public final class ModelHealth implements VersionListener {
  private static final String PREFIX = "models/";

  private final HealthStatusManager health;

  @Inject
  ModelHealth(HealthStatusManager health) {
    this.health = health;
  }

  public static String serviceName(String model) {
    return PREFIX + model;
  }

  @Override
  public void readinessChanged(String model, boolean ready) {
    health.setStatus(serviceName(model), ready ? ServingStatus.SERVING : ServingStatus.NOT_SERVING);
  }
}
