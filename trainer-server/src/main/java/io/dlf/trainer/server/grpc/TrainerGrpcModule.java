package io.dlf.trainer.server.grpc;

import com.google.inject.AbstractModule;
import io.dlf.server.GrpcServerModule;
import io.dlf.server.auth.AuthConfig;
import io.dlf.server.auth.AuthModule;
import io.dlf.trainer.server.auth.TrainerAccess;

/**
 * The gRPC server (health, reflection, metrics endpoint from server-common) with TrainerService on it, behind
 * the trainer's authentication, roles and audit log.
 */
public final class TrainerGrpcModule extends AbstractModule {
  private final AuthConfig auth;

  public TrainerGrpcModule(AuthConfig auth) {
    this.auth = auth;
  }

  @Override
  protected void configure() {
    install(new GrpcServerModule("trainer"));
    install(new AuthModule(auth, TrainerAccess.RULES, TrainerAccess.AUDITED));
    GrpcServerModule.services(binder()).addBinding().to(TrainerGrpcService.class);
  }
}
