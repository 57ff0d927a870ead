package io.dlf.server;

import io.dlf.server.auth.AuthConfig;
import io.grpc.BindableService;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.ServerCredentials;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.TlsServerCredentials;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * Owns one gRPC server: a bounded handler pool, the services and interceptors bound into the
 * injector, {@code grpc.health.v1} (every service SERVING once started), server reflection v1 and
 * v1alpha with the error-detail protos (so grpcurl and ghz work, see {@link ServerReflection}), and
 * Prometheus metrics over HTTP. {@link #stop()} shuts down gracefully: health turns NOT_SERVING, new
 * calls are refused, in-flight calls get the grace period, then the rest is cancelled.
 *
 * <p>Safe defaults: a server that authenticates nobody refuses to listen beyond loopback unless
 * {@link AuthConfig#allowUnauthenticatedNetwork()}, and one taking bearer tokens refuses to listen beyond loopback
 * without TLS (tokens would cross the network in plaintext).
 */
public final class GrpcServerService implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(GrpcServerService.class.getName());

  private final GrpcServerConfig config;
  private final AuthConfig auth;
  private final List<BindableService> services;
  private final List<ServerInterceptor> interceptors;
  private final HealthStatusManager health;
  private final PrometheusRegistry registry;
  private final String name;
  private ExecutorService executor;
  private Server server;
  private HTTPServer metrics;

  /**
   * @throws IllegalStateException when {@code config} and {@code auth} together are unsafe or incomplete (see the
   *     class comment), saying which options fix it
   */
  public GrpcServerService(String name, GrpcServerConfig config, AuthConfig auth, Set<BindableService> services,
      Set<ServerInterceptor> interceptors, HealthStatusManager health, PrometheusRegistry registry) {
    this.name = name;
    this.config = config;
    this.auth = auth;
    checkSafe();
    this.services = List.copyOf(services);
    this.interceptors = List.copyOf(interceptors);
    this.health = health;
    this.registry = registry;
  }

  public synchronized void start() throws IOException {
    if (server != null) {
      throw new IllegalStateException(name + " is already started");
    }
    executor = Executors.newFixedThreadPool(config.handlerThreads(), NamedThreads.daemon(name + "-grpc"));
    InetSocketAddress address = new InetSocketAddress(config.host(), config.port());
    NettyServerBuilder builder = NettyServerBuilder.forAddress(address, credentials())
        .executor(executor)
        .maxInboundMessageSize(config.maxInboundMessageBytes());
    List<ServerInterceptor> all = new ArrayList<>(interceptors);
    all.add(new GrpcMetricsInterceptor(registry));
    for (BindableService service : services) {
      builder.addService(ServerInterceptors.intercept(service, all));
    }
    builder.addService(ServerInterceptors.intercept(health.getHealthService(), all));
    for (ServerServiceDefinition reflection : ServerReflection.services()) {
      builder.addService(ServerInterceptors.intercept(reflection, all));
    }
    server = builder.build().start();
    if (config.metricsPort() >= 0) {
      metrics = HTTPServer.builder().hostname(config.host()).port(config.metricsPort()).registry(registry).buildAndStart();
    }
    for (BindableService service : services) {
      health.setStatus(service.bindService().getServiceDescriptor().getName(), ServingStatus.SERVING);
    }
    health.setStatus(HealthStatusManager.SERVICE_NAME_ALL_SERVICES, ServingStatus.SERVING);
    LOG.info(() -> name + " listening on " + config.host() + ":" + port()
        + (config.tls() ? " (TLS)" : "") + (metrics != null ? ", metrics on :" + metricsPort() + "/metrics" : ""));
    if (!loopback() && !auth.authenticates()) {
      LOG.warning(() -> name + " listens on " + config.host() + ", not just loopback: anyone who can reach this machine"
          + " can call it (" + (config.tls() ? "TLS" : "no TLS") + ", no authentication); --host 127.0.0.1 keeps it local");
    }
  }

  private void checkSafe() {
    if (auth.clientCa().isPresent() && !config.tls()) {
      throw new IllegalStateException(name + ": --tls-client-ca needs TLS: add --tls-cert and --tls-key");
    }
    if (loopback()) {
      return;
    }
    if (!auth.authenticates() && !auth.allowUnauthenticatedNetwork()) {
      throw new IllegalStateException(name + " refuses to listen on " + config.host() + " with no authentication: "
          + "anyone who reaches the port could call everything. Configure --auth-jwt-keys, --auth-tokens or "
          + "--tls-client-ca (with --tls-cert/--tls-key), or pass --allow-unauthenticated-network to accept that; "
          + "--host 127.0.0.1 keeps it local");
    }
    if (auth.bearerTokens() && !config.tls()) {
      throw new IllegalStateException(name + " refuses to take bearer tokens over plaintext on " + config.host()
          + ": they would cross the network readable by anyone on the way. Add --tls-cert and --tls-key, or "
          + "--host 127.0.0.1");
    }
  }

  /** Whether the listening address is a loopback one (a name that does not resolve counts as not). */
  private boolean loopback() {
    try {
      return InetAddress.getByName(config.host()).isLoopbackAddress();
    } catch (java.net.UnknownHostException e) {
      return false;
    }
  }

  private ServerCredentials credentials() throws IOException {
    if (!config.tls()) {
      return InsecureServerCredentials.create();
    }
    TlsServerCredentials.Builder tls = TlsServerCredentials.newBuilder()
        .keyManager(config.tlsCertificateChain().orElseThrow().toFile(), config.tlsPrivateKey().orElseThrow().toFile());
    if (auth.clientCa().isPresent()) {
      tls.trustManager(auth.clientCa().get().toFile()).clientAuth(auth.clientCertificateRequired()
          ? TlsServerCredentials.ClientAuth.REQUIRE : TlsServerCredentials.ClientAuth.OPTIONAL);
    }
    return tls.build();
  }

  /** The bound gRPC port. */
  public int port() {
    return server.getPort();
  }

  /** The bound metrics port, or -1 when metrics are off. */
  public int metricsPort() {
    return metrics == null ? -1 : metrics.getPort();
  }

  public HealthStatusManager health() {
    return health;
  }

  /** Graceful shutdown; idempotent. */
  public synchronized void stop() {
    if (server == null) {
      return;
    }
    health.enterTerminalState();
    server.shutdown();
    try {
      if (!server.awaitTermination(config.shutdownGrace().toMillis(), TimeUnit.MILLISECONDS)) {
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      server.shutdownNow();
      Thread.currentThread().interrupt();
    }
    executor.shutdownNow();
    if (metrics != null) {
      metrics.stop();
    }
    server = null;
  }

  public void awaitTermination() throws InterruptedException {
    Server current;
    synchronized (this) {
      current = server;
    }
    if (current != null) {
      current.awaitTermination();
    }
  }

  @Override
  public void close() {
    stop();
  }

  /** The address a client on this host dials. */
  public String target() {
    return (config.host().equals("0.0.0.0") ? "127.0.0.1" : config.host()) + ":" + port();
  }

}
