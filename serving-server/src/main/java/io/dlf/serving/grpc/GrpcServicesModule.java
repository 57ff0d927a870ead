package io.dlf.serving.grpc;

import com.google.inject.AbstractModule;
import com.google.inject.multibindings.Multibinder;
import io.dlf.serving.version.VersionListener;
import io.dlf.server.GrpcServerConfig;
import io.dlf.server.GrpcServerModule;

/**
 * The gRPC face of the server: PredictionService, ModelService and the KServe v2 service on one
 * port, with grpc.health.v1 (per model too), reflection and Prometheus metrics from server-common.
 */
public final class GrpcServicesModule extends AbstractModule {
  private static final String SERVER_NAME = "serving-server";

  private final GrpcServerConfig config;

  public GrpcServicesModule(GrpcServerConfig config) {
    this.config = config;
  }

  @Override
  protected void configure() {
    install(new GrpcServerModule(SERVER_NAME));
    bind(GrpcServerConfig.class).toInstance(config);
    GrpcServerModule.services(binder()).addBinding().to(PredictionServiceImpl.class);
    GrpcServerModule.services(binder()).addBinding().to(ModelServiceImpl.class);
    GrpcServerModule.services(binder()).addBinding().to(InferenceServiceImpl.class);
    Multibinder.newSetBinder(binder(), VersionListener.class).addBinding().to(ModelHealth.class);
  }
}
