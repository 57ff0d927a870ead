package io.dlf.trainer.server.jobs;

import com.google.inject.Inject;
import com.google.inject.Singleton;
import io.dlf.proto.train.v1.WorkerAssignment;
import io.dlf.proto.train.v1.WorkerCommand;
import io.dlf.proto.train.v1.WorkerEvent;
import io.dlf.proto.trainer.v1.JobAttempt;
import io.dlf.proto.trainer.v1.JobFailure;
import io.dlf.trainer.job.DatasetProtos;
import io.dlf.trainer.job.TrainingOptions;
import io.dlf.trainer.server.TrainerServerConfig;
import io.dlf.trainer.server.devices.Device;
import io.dlf.trainer.server.devices.DeviceKind;
import io.dlf.trainer.server.jobs.JobRegistry.WorkerExitCause;
import io.dlf.trainer.server.scheduling.JobScheduler;
import io.dlf.trainer.server.store.JobStore;
import io.dlf.trainer.server.submit.JobPlan;
import io.dlf.trainer.server.submit.SubmissionValidator;
import io.dlf.trainer.server.workers.WorkerExit;
import io.dlf.trainer.server.workers.WorkerLauncher;
import io.dlf.trainer.server.workers.WorkerProcess;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs one job on its device in a worker process of its own, and follows it: the worker's events
 * become the job's, cancels and shutdown pauses become its commands. A worker that dies without
 * saying how its job ended fails only that attempt: the job resumes from its last checkpoint, up to
 * the configured number of attempts, then fails with the cause. A job whose export failed keeps its
 * work folder; its export retry runs in a worker that only exports.
 */
@Singleton
final class JobRunner {
  private static final Logger LOG = Logger.getLogger(JobRunner.class.getName());

  private final SubmissionValidator validator;
  private final WorkerLauncher launcher;
  private final JobStore store;
  private final JobScheduler scheduler;
  private final JobRegistry registry;
  private final TrainerServerConfig config;
  private final Map<String, WorkerProcess> running = new ConcurrentHashMap<>();
  private volatile boolean pausing;

  @Inject
  JobRunner(SubmissionValidator validator, WorkerLauncher launcher, JobStore store, JobScheduler scheduler,
      JobRegistry registry, TrainerServerConfig config) {
    this.validator = validator;
    this.launcher = launcher;
    this.store = store;
    this.scheduler = scheduler;
    this.registry = registry;
    this.config = config;
  }

  void run(LiveJob job, Device device) {
    if (!job.start(device)) {
      return;
    }
    WorkerAssignment.Builder assignment = assignment(job, device);
    Optional<TrainingOptions> training = Optional.empty();
    if (job.snapshot().getExportable()) {
      // Its training finished and its trained model is kept: no data to check, nothing to train.
      assignment.setExportOnly(true);
    } else {
      // Checked again: the data may have changed while the job waited or the trainer was down.
      JobPlan plan;
      try {
        plan = validator.validate(job.snapshot().getRequest());
      } catch (StatusRuntimeException e) {
        job.failed(JobFailures.revalidation(e));
        deleteWorkDir(job);
        return;
      }
      assignment.setDataset(DatasetProtos.toProto(plan.dataset().schema(), plan.dataset().splits(),
          plan.dataset().badRows()));
      training = Optional.of(plan.options());
    }
    Path log = config.dataDir().resolve("logs").resolve(job.id() + "-attempt-" + job.snapshot().getAttempts() + ".log");
    WorkerProcess worker;
    try {
      worker = launcher.start(assignment.build(), log);
    } catch (IOException e) {
      LOG.log(Level.SEVERE, "could not start a worker for job " + job.id(), e);
      registry.recordWorkerExit(WorkerExitCause.DIED);
      afterDeath(job, device, "the worker did not start: " + e.getMessage(), "");
      return;
    }
    registry.recordWorkerStart();
    LOG.info(() -> "job " + job.id() + " runs in worker " + worker.pid() + " on " + device.name() + ", log " + log);
    job.workerStarted(worker.pid(), log.toString());
    running.put(job.id(), worker);
    try {
      // A cancel or a shutdown that came while the worker started reaches it now.
      if (job.cancelRequested()) {
        worker.send(WorkerCommand.Kind.CANCEL);
      } else if (pausing) {
        worker.send(WorkerCommand.Kind.PAUSE);
      }
      follow(job, worker, device, training);
    } finally {
      running.remove(job.id());
    }
  }

  /** Asks the job's worker, if it runs, to stop at its next step. */
  void cancel(String jobId) {
    Optional.ofNullable(running.get(jobId)).ifPresent(w -> w.send(WorkerCommand.Kind.CANCEL));
  }

  /** From now on every worker, running or starting, checkpoints at its next step and ends. */
  void pauseAll() {
    pausing = true;
    running.values().forEach(w -> w.send(WorkerCommand.Kind.PAUSE));
  }

  /** Kills the workers still running: their jobs resume from their last checkpoints on the next start. */
  void killAll() {
    running.values().forEach(WorkerProcess::kill);
  }

  private WorkerAssignment.Builder assignment(LiveJob job, Device device) {
    return WorkerAssignment.newBuilder()
        .setJobId(job.id())
        .setRequest(job.snapshot().getRequest())
        .setModelName(job.snapshot().getModelName())
        .setWorkDir(store.workDir(job.id()).toAbsolutePath().toString())
        .setModelsDir(config.modelsDir().toAbsolutePath().toString())
        .setDevice(device.name())
        .setGpu(device.kind() == DeviceKind.GPU)
        .setIntraOpThreads(config.intraOpThreads())
        .setInterOpThreads(config.interOpThreads());
  }

  /**
   * Applies the worker's events to the job until the worker ends; then accounts for how it ended.
   * The job's last change waits for the worker's exit, so a client that sees a job end sees its
   * worker gone and, for a job that ended, its checkpoints deleted.
   */
  private void follow(LiveJob job, WorkerProcess worker, Device device, Optional<TrainingOptions> training) {
    ProgressReporter progress = null;
    WorkerEvent last = null;
    for (Optional<WorkerEvent> next = worker.next(); next.isPresent(); next = worker.next()) {
      WorkerEvent event = next.get();
      switch (event.getEventCase()) {
        case DATA_PREPARED -> {
          job.dataPrepared(event.getDataPrepared());
          // An export retry (no training) reads no data and reports no progress.
          progress = training.map(options -> new ProgressReporter(job, registry, options,
              event.getDataPrepared().getTrainRows())).orElse(null);
        }
        case PROGRESS -> {
          if (progress != null) {
            progress.onProgress(event.getProgress());
          }
        }
        case EPOCH_ENDED -> job.epochEnded(event.getEpochEnded().getMetrics(), event.getEpochEnded().getImproved());
        case EXPORTING -> job.exporting();
        case SUCCEEDED, FAILED, CANCELLED, PAUSED -> last = event;
        case EVENT_NOT_SET -> LOG.warning("worker " + worker.pid() + " sent an empty event");
      }
    }
    WorkerExit exit;
    try {
      exit = worker.awaitExit();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      worker.kill();
      return;
    }
    registry.recordWorkerExit(last == null ? WorkerExitCause.DIED
        : last.getEventCase() == WorkerEvent.EventCase.PAUSED ? WorkerExitCause.PAUSED : WorkerExitCause.JOB_ENDED);
    if (last == null) {
      afterDeath(job, device, "its worker process (pid " + worker.pid() + ") ended: " + exit.describe(),
          worker.logTail());
      return;
    }
    switch (last.getEventCase()) {
      case PAUSED -> job.requeue("paused by a trainer shutdown; resumes from its checkpoint when the trainer starts "
          + "again", JobAttempt.End.PAUSED);
      case SUCCEEDED -> {
        deleteWorkDir(job);
        job.succeeded(last.getSucceeded().getVersion(), last.getSucceeded().getMetrics());
      }
      case FAILED -> {
        // A failed export keeps the trained model for RetryExport.
        if (last.getFailed().getKind() != JobFailure.Kind.EXPORT_FAILED) {
          deleteWorkDir(job);
        }
        job.failed(last.getFailed());
      }
      default -> {
        deleteWorkDir(job);
        job.cancelled(last.getCancelled().getMessage());
      }
    }
  }

  /** The worker ended without a word: the attempt failed, the job retries from its checkpoint or fails. */
  private void afterDeath(LiveJob job, Device device, String cause, String logTail) {
    LOG.warning(() -> "job " + job.id() + ": " + cause);
    if (job.cancelRequested()) {
      job.cancelled("cancelled; " + cause);
      deleteWorkDir(job);
      return;
    }
    if (pausing) {
      job.requeue("the trainer is shutting down and " + cause + "; the job resumes from its last checkpoint when "
          + "the trainer starts again", JobAttempt.End.TRAINER_STOPPED, cause, logTail);
      return;
    }
    int deaths = job.workerDeaths() + 1;
    int allowed = launcher.settings().maxAttempts();
    if (deaths < allowed) {
      job.requeue(cause + "; retrying from its last checkpoint (attempt " + (deaths + 1) + " of " + allowed + ")",
          JobAttempt.End.WORKER_DIED, cause, logTail);
      registry.recordRetry();
      scheduler.enqueue(job.id(), device.kind(), d -> run(job, d));
    } else {
      job.workerDied(JobFailures.workerDied(cause, deaths, logTail), cause, logTail);
      deleteWorkDir(job);
    }
  }

  /** A job that ended cannot resume, so its checkpoints only take space. */
  private void deleteWorkDir(LiveJob job) {
    try {
      store.deleteWorkDir(job.id());
    } catch (IOException e) {
      LOG.log(Level.WARNING, "could not delete the checkpoints of job " + job.id(), e);
    }
  }
}
