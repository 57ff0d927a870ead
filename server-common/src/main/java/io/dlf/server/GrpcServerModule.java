package io.dlf.server;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.google.inject.multibindings.Multibinder;
import com.google.inject.multibindings.OptionalBinder;
import io.dlf.server.auth.AuthConfig;
import io.grpc.BindableService;
import io.grpc.ServerInterceptor;
import io.grpc.protobuf.services.HealthStatusManager;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Set;

/**
 * Wires a {@link GrpcServerService} from whatever other modules contribute: services through
 * {@code Multibinder<BindableService>}, interceptors through {@code Multibinder<ServerInterceptor>}.
 * The server's own module binds its {@link GrpcServerConfig}; {@link io.dlf.server.auth.AuthModule} its
 * {@link AuthConfig} (without: nobody is authenticated).
 */
public final class GrpcServerModule extends AbstractModule {
  private final String serverName;

  public GrpcServerModule(String serverName) {
    this.serverName = serverName;
  }

  /** Where a subsystem module adds its gRPC services. */
  public static Multibinder<BindableService> services(com.google.inject.Binder binder) {
    return Multibinder.newSetBinder(binder, BindableService.class);
  }

  /** Where a subsystem module adds server interceptors. */
  public static Multibinder<ServerInterceptor> interceptors(com.google.inject.Binder binder) {
    return Multibinder.newSetBinder(binder, ServerInterceptor.class);
  }

  @Override
  protected void configure() {
    services(binder());
    interceptors(binder());
    OptionalBinder.newOptionalBinder(binder(), AuthConfig.class).setDefault().toInstance(AuthConfig.none());
  }

  @Provides
  @Singleton
  HealthStatusManager health() {
    return new HealthStatusManager();
  }

  @Provides
  @Singleton
  PrometheusRegistry registry() {
    return new PrometheusRegistry();
  }

  @Provides
  @Singleton
  GrpcServerService server(GrpcServerConfig config, AuthConfig auth, Set<BindableService> services,
      Set<ServerInterceptor> interceptors, HealthStatusManager health, PrometheusRegistry registry) {
    return new GrpcServerService(serverName, config, auth, services, interceptors, health, registry);
  }
}
