package io.dlf.trainer.server;

import com.google.inject.CreationException;
import com.google.inject.Guice;
import com.google.inject.Inject;
import com.google.inject.Injector;
import com.google.inject.ProvisionException;
import io.dlf.proto.trainer.v1.TrainerServiceGrpc;
import io.dlf.server.GrpcServerConfig;
import io.dlf.server.GrpcServerService;
import io.dlf.server.WiringErrors;
import io.dlf.server.auth.AuthConfig;
import io.dlf.trainer.server.grpc.TrainerGrpcModule;
import io.dlf.trainer.server.jobs.JobService;
import io.dlf.trainer.server.jobs.JobsModule;
import io.dlf.trainer.server.metrics.TrainerMetricsModule;
import io.dlf.trainer.server.scheduling.JobScheduler;
import io.dlf.trainer.server.scheduling.SchedulerModule;
import io.dlf.trainer.server.store.JobStore;
import io.dlf.trainer.server.store.JobStoreModule;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;
import java.io.IOException;
import java.util.logging.Logger;

/**
 * The trainer server: the job store, the scheduler and its devices, TrainerService over gRPC, and
 * metrics, wired by Guice. {@link #start()} takes back stored jobs and starts listening;
 * {@link #stop()} shuts down gracefully.
 */
public final class TrainerServer implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(TrainerServer.class.getName());

  private final TrainerServerConfig config;
  private final GrpcServerService grpc;
  private final JobService jobs;
  private final JobScheduler scheduler;
  private final JobStore store;
  private boolean stopped;

  @Inject
  TrainerServer(TrainerServerConfig config, GrpcServerService grpc, JobService jobs, JobScheduler scheduler,
      JobStore store) {
    this.config = config;
    this.grpc = grpc;
    this.jobs = jobs;
    this.scheduler = scheduler;
    this.store = store;
  }

  /**
   * Wires a server from its modules.
   *
   * @throws IllegalStateException with the first configuration problem (a data folder another
   *     trainer holds, a data root that is not a folder, ...)
   */
  public static TrainerServer create(TrainerServerConfig config, GrpcServerConfig grpc) {
    return create(config, grpc, AuthConfig.none());
  }

  /** A server that authenticates its callers as {@code auth} says. */
  public static TrainerServer create(TrainerServerConfig config, GrpcServerConfig grpc, AuthConfig auth) {
    try {
      return injector(config, grpc, auth).getInstance(TrainerServer.class);
    } catch (CreationException | ProvisionException e) {
      throw WiringErrors.of(e);
    }
  }

  /** The server's object graph; tests serve its gRPC services in process from it. */
  static Injector injector(TrainerServerConfig config, GrpcServerConfig grpc) {
    return injector(config, grpc, AuthConfig.none());
  }

  static Injector injector(TrainerServerConfig config, GrpcServerConfig grpc, AuthConfig auth) {
    return Guice.createInjector(new TrainerConfigModule(config, grpc), new JobStoreModule(), new SchedulerModule(),
        new JobsModule(), new TrainerGrpcModule(auth), new TrainerMetricsModule());
  }

  /** Takes back the jobs a previous run left (running ones resume), then serves. */
  public void start() throws IOException {
    jobs.recover();
    grpc.start();
  }

  /**
   * Graceful shutdown: health turns NOT_SERVING and new jobs are refused; running jobs checkpoint
   * and go back to QUEUED (waiting at most the configured pause timeout); watchers are told to come
   * back later; then the gRPC server stops and the data folder is released. Idempotent.
   */
  public synchronized void stop() {
    if (stopped) {
      return;
    }
    stopped = true;
    // NOT_SERVING now, so load balancers look elsewhere while jobs checkpoint; the gRPC stop makes it final.
    grpc.health().setStatus(HealthStatusManager.SERVICE_NAME_ALL_SERVICES, ServingStatus.NOT_SERVING);
    grpc.health().setStatus(TrainerServiceGrpc.SERVICE_NAME, ServingStatus.NOT_SERVING);
    jobs.stopAccepting();
    jobs.pauseRunning();
    if (!scheduler.drain(config.pauseTimeout())) {
      LOG.warning("jobs still running after " + config.pauseTimeout() + " were killed; they resume from their "
          + "last checkpoint on the next start");
      jobs.killRunning();
    }
    jobs.disconnectWatchers();
    grpc.stop();
    store.close();
  }

  @Override
  public void close() {
    stop();
  }

  public int port() {
    return grpc.port();
  }

  public int metricsPort() {
    return grpc.metricsPort();
  }

  /** The address a client on this host dials. */
  public String target() {
    return grpc.target();
  }

  public void awaitTermination() throws InterruptedException {
    grpc.awaitTermination();
  }
}
