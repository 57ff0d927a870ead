package io.dlf.serving.grpc;

import com.google.inject.AbstractModule;
import com.google.inject.multibindings.Multibinder;
import io.dlf.serving.version.VersionListener;
import io.dlf.server.GrpcServerConfig;
import io.dlf.server.GrpcServerModule;
import io.dlf.server.auth.AuthConfig;
import io.dlf.server.auth.AuthModule;
import io.dlf.serving.auth.ServingAccess;

/**
 * The gRPC face of the server: PredictionService, ModelService and the KServe v2 service on one
 * port, with grpc.health.v1 (per model too), reflection and Prometheus metrics from server-common, behind the
 * serving server's authentication, roles ({@link ServingAccess}) and audit log.
 */
public final class GrpcServicesModule extends AbstractModule {
  private static final String SERVER_NAME = "serving-server";

  private final GrpcServerConfig config;
  private final AuthConfig auth;

  public GrpcServicesModule(GrpcServerConfig config, AuthConfig auth) {
    this.config = config;
    this.auth = auth;
  }

  @Override
  protected void configure() {
    install(new GrpcServerModule(SERVER_NAME));
    install(new AuthModule(auth, ServingAccess.RULES, ServingAccess.AUDITED));
    bind(GrpcServerConfig.class).toInstance(config);
    GrpcServerModule.services(binder()).addBinding().to(PredictionServiceImpl.class);
    GrpcServerModule.services(binder()).addBinding().to(ModelServiceImpl.class);
    GrpcServerModule.services(binder()).addBinding().to(InferenceServiceImpl.class);
    Multibinder.newSetBinder(binder(), VersionListener.class).addBinding().to(ModelHealth.class);
  }
}
