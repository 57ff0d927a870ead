package io.dlf.trainer.server;

import com.google.inject.CreationException;
import com.google.inject.Guice;
import com.google.inject.Inject;
import com.google.inject.Injector;
import com.google.inject.Module;
import com.google.inject.ProvisionException;
import io.dlf.proto.trainer.v1.TrainerServiceGrpc;
import io.dlf.server.GrpcServerConfig;
import io.dlf.server.GrpcServerService;
import io.dlf.server.WiringErrors;
import io.dlf.server.auth.AuthConfig;
import io.dlf.trainer.server.grpc.TrainerGrpcModule;
import io.dlf.trainer.server.jobs.JobExecution;
import io.dlf.trainer.server.jobs.JobService;
import io.dlf.trainer.server.jobs.JobsModule;
import io.dlf.trainer.server.jobs.LocalJobsModule;
import io.dlf.trainer.server.metrics.TrainerMetricsModule;
import io.dlf.trainer.server.postgres.PostgresModule;
import io.dlf.trainer.server.scheduling.SchedulerModule;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;
import java.io.IOException;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The trainer server: the job store, the scheduler and its devices, TrainerService over gRPC, and
 * metrics, wired by Guice. Embedded (the default), it keeps jobs in files and runs them itself; with
 * a shared database it is a control plane (the API), a worker host (runs jobs), or both.
 * {@link #start()} takes back stored jobs and starts listening; {@link #stop()} shuts down gracefully.
 */
public final class TrainerServer implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(TrainerServer.class.getName());

  private final TrainerServerConfig config;
  private final GrpcServerService grpc;
  private final Optional<JobService> jobs;
  private final Optional<JobExecution> execution;
  private final Set<AutoCloseable> resources;
  private boolean stopped;

  @Inject
  TrainerServer(TrainerServerConfig config, GrpcServerService grpc, Optional<JobService> jobs,
      Optional<JobExecution> execution, Set<AutoCloseable> resources) {
    this.config = config;
    this.grpc = grpc;
    this.jobs = jobs;
    this.execution = execution;
    this.resources = resources;
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
    Module records = config.cluster().isPresent() ? new PostgresModule(config.role()) : new LocalJobsModule();
    return Guice.createInjector(new TrainerConfigModule(config, grpc), records, new SchedulerModule(),
        new JobsModule(), new TrainerGrpcModule(config.role().servesApi(), auth), new TrainerMetricsModule());
  }

  /** Takes back the jobs a previous run left (running ones resume), starts taking jobs, then serves. */
  public void start() throws IOException {
    if (jobs.isPresent()) {
      jobs.get().start();
    }
    execution.ifPresent(JobExecution::start);
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
    jobs.ifPresent(JobService::stopAccepting);
    execution.ifPresent(this::pauseAndDrain);
    jobs.ifPresent(JobService::disconnectWatchers);
    grpc.stop();
    for (AutoCloseable resource : resources) {
      try {
        resource.close();
      } catch (Exception e) {
        LOG.log(Level.WARNING, "could not close " + resource, e);
      }
    }
  }

  private void pauseAndDrain(JobExecution running) {
    running.pauseRunning();
    if (!running.drain(config.pauseTimeout())) {
      LOG.warning("jobs still running after " + config.pauseTimeout() + " were killed; they resume from their "
          + "last checkpoint on the next start");
      running.killRunning();
    }
    running.close();
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
