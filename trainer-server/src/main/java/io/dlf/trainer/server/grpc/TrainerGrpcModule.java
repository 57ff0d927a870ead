package io.dlf.trainer.server.grpc;

import com.google.inject.AbstractModule;
import io.dlf.server.GrpcServerModule;

/** The gRPC server (health, reflection, metrics endpoint from server-common) with TrainerService on it. */
public final class TrainerGrpcModule extends AbstractModule {

  @Override
  protected void configure() {
    install(new GrpcServerModule("trainer"));
    GrpcServerModule.services(binder()).addBinding().to(TrainerGrpcService.class);
  }
}
