package io.dlf.trainer.server.jobs;

import com.google.inject.Inject;
import com.google.inject.Singleton;
import io.dlf.proto.train.v1.GeneratedDataset;
import io.dlf.proto.train.v1.WorkerAssignment;
import io.dlf.proto.train.v1.WorkerCommand;
import io.dlf.proto.train.v1.WorkerEvent;
import io.dlf.proto.trainer.v1.JobAttempt;
import io.dlf.proto.trainer.v1.JobFailure;
import io.dlf.trainer.data.GeneratedDatasets;
import io.dlf.trainer.job.DatasetProtos;
import io.dlf.trainer.job.TrainingOptions;
import io.dlf.trainer.server.TrainerServerConfig;
import io.dlf.trainer.server.devices.Device;
import io.dlf.trainer.server.devices.DeviceKind;
import io.dlf.trainer.server.jobs.JobRegistry.WorkerExitCause;
import io.dlf.trainer.server.store.WorkFolders;
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
 * become the job's record's, cancels and shutdown pauses become its commands. A worker that dies
 * without saying how its job ended fails only that attempt: the job goes back to the queue to resume
 * from its last checkpoint, up to the configured number of attempts, then fails with the cause. A job
 * whose export failed keeps its work folder; its export retry runs in a worker that only exports.
 */
@Singleton
public final class JobRunner {
  private static final Logger LOG = Logger.getLogger(JobRunner.class.getName());
  /** Under the data folder: datasets prepared for training, shared by every job (see PreparedDataCache). */
  private static final String PREPARED = "prepared";

  /** How a run ended for the code that queued it. */
  public enum Outcome {
    /** The job ended, paused or stopped: nothing more to do here. */
    DONE,
    /** The worker died and the job is QUEUED again, to resume from its checkpoint: queue it again. */
    RETRY
  }

  private record Running(JobRecord job, WorkerProcess worker) {}

  private final SubmissionValidator validator;
  private final WorkerLauncher launcher;
  private final WorkFolders folders;
  private final JobRegistry registry;
  private final TrainerServerConfig config;
  private final GeneratedDatasets generated;
  private final Map<String, Running> running = new ConcurrentHashMap<>();
  private volatile boolean pausing;

  @Inject
  JobRunner(SubmissionValidator validator, WorkerLauncher launcher, WorkFolders folders, JobRegistry registry,
      TrainerServerConfig config, GeneratedDatasets generated) {
    this.validator = validator;
    this.launcher = launcher;
    this.folders = folders;
    this.registry = registry;
    this.config = config;
    this.generated = generated;
  }

  public Outcome run(JobRecord job, Device device) {
    if (!job.start(device)) {
      return Outcome.DONE;
    }
    WorkerAssignment.Builder assignment = assignment(job, device);
    job.clusterPlacement().ifPresent(assignment::setClusterPlacement);
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
        return Outcome.DONE;
      }
      assignment.setDataset(DatasetProtos.toProto(plan.dataset().schema(), plan.dataset().splits(),
          plan.dataset().badRows()));
      // The worker writes a generated dataset where the splits point, unless written before.
      plan.dataset().generated().ifPresent(name -> assignment.setGenerated(GeneratedDataset.newBuilder()
          .setName(name).setDir(generated.dir().toAbsolutePath().toString())));
      training = Optional.of(plan.options());
    }
    Path log = config.dataDir().resolve("logs").resolve(job.id() + "-attempt-" + job.snapshot().getAttempts() + ".log");
    WorkerProcess worker;
    try {
      worker = launcher.start(assignment.build(), log);
    } catch (IOException e) {
      LOG.log(Level.SEVERE, "could not start a worker for job " + job.id(), e);
      registry.recordWorkerExit(WorkerExitCause.DIED);
      return afterDeath(job, "the worker did not start: " + e.getMessage(), "");
    }
    registry.recordWorkerStart();
    LOG.info(() -> "job " + job.id() + " runs in worker " + worker.pid() + " on " + device.name() + ", log " + log);
    job.workerStarted(worker.pid(), log.toString());
    Running run = new Running(job, worker);
    running.put(job.id(), run);
    try {
      // A cancel or a shutdown that came while the worker started reaches it now.
      if (job.cancelRequested()) {
        worker.send(WorkerCommand.Kind.CANCEL);
      } else if (pausing) {
        worker.send(WorkerCommand.Kind.PAUSE);
      }
      return follow(job, worker, training);
    } finally {
      running.remove(job.id(), run);
      registry.trainingStopped(job.id());
    }
  }

  /** Asks the job's worker, if it runs, to stop at its next step. */
  public void cancel(String jobId) {
    Optional.ofNullable(running.get(jobId)).ifPresent(r -> r.worker().send(WorkerCommand.Kind.CANCEL));
  }

  /** Kills the worker running {@code job} (this record, not a later one of the same job): it may no longer run it. */
  public void kill(JobRecord job) {
    Optional.ofNullable(running.get(job.id())).filter(r -> r.job() == job).ifPresent(r -> r.worker().kill());
  }

  /** From now on every worker, running or starting, checkpoints at its next step and ends. */
  public void pauseAll() {
    pausing = true;
    running.values().forEach(r -> r.worker().send(WorkerCommand.Kind.PAUSE));
  }

  /** Kills the workers still running: their jobs resume from their last checkpoints on the next start. */
  public void killAll() {
    running.values().forEach(r -> r.worker().kill());
  }

  private WorkerAssignment.Builder assignment(JobRecord job, Device device) {
    return WorkerAssignment.newBuilder()
        .setJobId(job.id())
        .setRequest(job.snapshot().getRequest())
        .setModelName(job.snapshot().getModelName())
        .setWorkDir(folders.workDir(job.id()).toAbsolutePath().toString())
        .setModelsDir(config.modelsDir().toAbsolutePath().toString())
        .setPreparedDir(config.dataDir().resolve(PREPARED).toAbsolutePath().toString())
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
  private Outcome follow(JobRecord job, WorkerProcess worker, Optional<TrainingOptions> training) {
    ProgressReporter progress = null;
    WorkerEvent last = null;
    for (Optional<WorkerEvent> next = worker.next(); next.isPresent(); next = worker.next()) {
      WorkerEvent event = next.get();
      switch (event.getEventCase()) {
        case PREPARING -> job.preparation(event.getPreparing());
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
        case EXPORTING -> {
          registry.trainingStopped(job.id());
          job.exporting();
        }
        case SUCCEEDED, FAILED, CANCELLED, PAUSED, ATTEMPT_FAILED -> last = event;
        case EVENT_NOT_SET -> LOG.warning("worker " + worker.pid() + " sent an empty event");
      }
    }
    WorkerExit exit;
    try {
      exit = worker.awaitExit();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      worker.kill();
      return Outcome.DONE;
    }
    registry.recordWorkerExit(last == null || last.getEventCase() == WorkerEvent.EventCase.ATTEMPT_FAILED ? WorkerExitCause.DIED
        : last.getEventCase() == WorkerEvent.EventCase.PAUSED ? WorkerExitCause.PAUSED : WorkerExitCause.JOB_ENDED);
    if (last == null) {
      return afterDeath(job, "its worker process (pid " + worker.pid() + ") ended: " + exit.describe(),
          worker.logTail());
    }
    if (last.getEventCase() == WorkerEvent.EventCase.ATTEMPT_FAILED) {
      // a task of the job's cluster was lost: fresh tasks may succeed from the checkpoint, as after a death
      return afterDeath(job, last.getAttemptFailed().getCause(), worker.logTail());
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
    return Outcome.DONE;
  }

  /** The worker ended without a word: the attempt failed, the job retries from its checkpoint or fails. */
  private Outcome afterDeath(JobRecord job, String cause, String logTail) {
    LOG.warning(() -> "job " + job.id() + ": " + cause);
    if (job.cancelRequested()) {
      job.cancelled("cancelled; " + cause);
      deleteWorkDir(job);
      return Outcome.DONE;
    }
    if (pausing) {
      job.requeue("the trainer is shutting down and " + cause + "; the job resumes from its last checkpoint when "
          + "the trainer starts again", JobAttempt.End.TRAINER_STOPPED, cause, logTail);
      return Outcome.DONE;
    }
    int deaths = job.workerDeaths() + 1;
    int allowed = launcher.settings().maxAttempts();
    if (deaths < allowed) {
      job.requeue(cause + "; retrying from its last checkpoint (attempt " + (deaths + 1) + " of " + allowed + ")",
          JobAttempt.End.WORKER_DIED, cause, logTail);
      registry.recordRetry();
      return Outcome.RETRY;
    }
    job.workerDied(JobFailures.workerDied(cause, deaths, logTail), cause, logTail);
    deleteWorkDir(job);
    return Outcome.DONE;
  }

  /** A job that ended cannot resume, so its checkpoints only take space. */
  private void deleteWorkDir(JobRecord job) {
    try {
      folders.deleteWorkDir(job.id());
    } catch (IOException e) {
      LOG.log(Level.WARNING, "could not delete the checkpoints of job " + job.id(), e);
    }
  }
}
