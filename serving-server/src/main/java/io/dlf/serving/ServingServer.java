package io.dlf.serving;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Module;
import com.google.inject.util.Modules;
import io.dlf.serving.grpc.GrpcServicesModule;
import io.dlf.serving.grpc.ServerReadiness;
import io.dlf.serving.metrics.MetricsModule;
import io.dlf.serving.predict.PredictionModule;
import io.dlf.serving.repository.RepositoryModule;
import io.dlf.serving.repository.RepositoryWatcher;
import io.dlf.serving.version.VersionManager;
import io.dlf.serving.version.VersionModule;
import io.dlf.server.GrpcServerService;
import java.io.IOException;
import java.util.List;
import java.util.logging.Logger;

/**
 * The serving server, wired by Guice from one module per subsystem. {@link #start()} loads what
 * the repository holds before it listens, so the first request finds warm versions; {@link #stop()}
 * turns health NOT_SERVING, lets calls in flight finish, then closes every TensorFlow session.
 */
public final class ServingServer implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(ServingServer.class.getName());

  private final GrpcServerService grpc;
  private final RepositoryWatcher watcher;
  private final VersionManager versions;
  private final ServerReadiness readiness;
  private boolean stopped;

  ServingServer(Injector injector) {
    this.grpc = injector.getInstance(GrpcServerService.class);
    this.watcher = injector.getInstance(RepositoryWatcher.class);
    this.versions = injector.getInstance(VersionManager.class);
    this.readiness = injector.getInstance(ServerReadiness.class);
  }

  /** A server from its configuration; {@code overrides} replace bindings (tests inject faults this way). */
  public static ServingServer create(ServingConfig config, Module... overrides) {
    return new ServingServer(injector(config, overrides));
  }

  /** The server's object graph; tests serve its gRPC services in process from it. */
  static Injector injector(ServingConfig config, Module... overrides) {
    List<Module> modules = List.of(
        new RepositoryModule(config.repository()),
        new VersionModule(config.versions()),
        new PredictionModule(config.batching()),
        new GrpcServicesModule(config.grpc(), config.auth()),
        new MetricsModule());
    return Guice.createInjector(Modules.override(modules).with(overrides));
  }

  public void start() throws IOException, InterruptedException {
    watcher.start();
    grpc.start();
    readiness.set(true);
    LOG.info(() -> "serving " + versions.models() + " on " + grpc.target());
  }

  /** Idempotent. */
  public synchronized void stop() {
    if (stopped) {
      return;
    }
    stopped = true;
    readiness.set(false);
    grpc.stop();
    watcher.close();
    versions.close();
    LOG.info("serving server stopped; every session is closed");
  }

  @Override
  public void close() {
    stop();
  }

  public void awaitTermination() throws InterruptedException {
    grpc.awaitTermination();
  }

  /** The address a client on this host dials, e.g. {@code 127.0.0.1:8500}. */
  public String target() {
    return grpc.target();
  }

  public int port() {
    return grpc.port();
  }

  /** The Prometheus port, or -1 when metrics are off. */
  public int metricsPort() {
    return grpc.metricsPort();
  }
}
