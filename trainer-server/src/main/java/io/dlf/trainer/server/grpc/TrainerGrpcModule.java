package io.dlf.trainer.server.grpc;

import com.google.inject.AbstractModule;
import io.dlf.server.GrpcServerModule;
import io.dlf.server.auth.AuthConfig;
import io.dlf.server.auth.AuthModule;
import io.dlf.trainer.server.auth.TrainerAccess;

/**
 * The gRPC server (health, reflection, metrics endpoint from server-common) with TrainerService on it, behind
 * the trainer's authentication, roles and audit log; a worker host, which serves no API, has only health and
 * metrics.
 */
public final class TrainerGrpcModule extends AbstractModule {
  private final boolean servesApi;
  private final AuthConfig auth;

  public TrainerGrpcModule(boolean servesApi, AuthConfig auth) {
    this.servesApi = servesApi;
    this.auth = auth;
  }

  @Override
  protected void configure() {
    install(new GrpcServerModule("trainer"));
    install(new AuthModule(auth, TrainerAccess.RULES, TrainerAccess.AUDITED));
    if (servesApi) {
      GrpcServerModule.services(binder()).addBinding().to(TrainerGrpcService.class);
    }
  }
}
