package io.dlf.trainer.server.grpc;

import com.google.inject.AbstractModule;
import io.dlf.server.GrpcServerModule;

/**
 * The gRPC server (health, reflection, metrics endpoint from server-common) with TrainerService on
 * it; a worker host, which serves no API, has only health and metrics.
 */
public final class TrainerGrpcModule extends AbstractModule {
  private final boolean servesApi;

  public TrainerGrpcModule(boolean servesApi) {
    this.servesApi = servesApi;
  }

  @Override
  protected void configure() {
    install(new GrpcServerModule("trainer"));
    if (servesApi) {
      GrpcServerModule.services(binder()).addBinding().to(TrainerGrpcService.class);
    }
  }
}
