package io.dlf.trainer.server;

import com.google.inject.AbstractModule;
import io.dlf.server.GrpcServerConfig;

/** The trainer's configuration, as the command line or a test built it. */
final class TrainerConfigModule extends AbstractModule {
  private final TrainerServerConfig trainer;
  private final GrpcServerConfig grpc;

  TrainerConfigModule(TrainerServerConfig trainer, GrpcServerConfig grpc) {
    this.trainer = trainer;
    this.grpc = grpc;
  }

  @Override
  protected void configure() {
    bind(TrainerServerConfig.class).toInstance(trainer);
    bind(GrpcServerConfig.class).toInstance(grpc);
  }
}
