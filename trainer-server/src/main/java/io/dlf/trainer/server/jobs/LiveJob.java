package io.dlf.trainer.server.jobs;

import com.google.protobuf.Timestamp;
import com.google.protobuf.util.Timestamps;
import io.dlf.proto.model.v1.EpochMetrics;
import io.dlf.proto.model.v1.TrainingMetrics;
import io.dlf.proto.trainer.v1.DataSummary;
import io.dlf.proto.trainer.v1.EpochEnded;
import io.dlf.proto.trainer.v1.Job;
import io.dlf.proto.trainer.v1.JobAttempt;
import io.dlf.proto.trainer.v1.JobEvent;
import io.dlf.proto.trainer.v1.JobFailure;
import io.dlf.proto.trainer.v1.JobResult;
import io.dlf.proto.trainer.v1.JobState;
import io.dlf.proto.trainer.v1.Progress;
import io.dlf.proto.trainer.v1.RunPhase;
import io.dlf.proto.trainer.v1.StateTransition;
import io.dlf.server.GrpcErrors;
import io.dlf.trainer.server.devices.Device;
import io.dlf.trainer.server.store.JobStore;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One job as it lives in the server: its record, the clients watching it, and whether a cancel
 * was asked for. Every change goes through here under one lock: the record is updated, stored
 * when the change must survive a restart (everything but progress), and sent to the watchers in
 * the order it happened.
 */
public final class LiveJob {
  private static final Logger LOG = Logger.getLogger(LiveJob.class.getName());

  private final String id;
  private final JobStore store;
  private final List<JobWatcher> watchers = new ArrayList<>();
  private Job job;
  private volatile boolean cancelRequested;

  LiveJob(Job job, JobStore store) {
    this.id = job.getId();
    this.job = job;
    this.store = store;
    this.cancelRequested = job.getState() == JobState.CANCELLING;
  }

  public String id() {
    return id;
  }

  public synchronized Job snapshot() {
    return job;
  }

  boolean cancelRequested() {
    return cancelRequested;
  }

  static boolean terminal(JobState state) {
    return state == JobState.SUCCEEDED || state == JobState.FAILED || state == JobState.CANCELLED;
  }

  /** QUEUED to RUNNING on {@code device}; false if the job must not run (a cancel came first: it is now CANCELLED). */
  synchronized boolean start(Device device) {
    if (cancelRequested) {
      transition(JobState.CANCELLED, RunPhase.RUN_PHASE_UNSPECIFIED, "cancelled before it started", null, b -> { });
      return false;
    }
    Timestamp now = now();
    boolean exportOnly = job.getExportable();
    transition(JobState.RUNNING, exportOnly ? RunPhase.EXPORTING : RunPhase.PREPARING_DATA, "placed on "
        + device.name() + (exportOnly ? "; exporting its kept trained model" : "; reading data"), null,
        b -> b.setDevice(device.name()).setAttempts(job.getAttempts() + 1).setStartTime(now)
            .addAttemptHistory(JobAttempt.newBuilder().setNumber(job.getAttempts() + 1).setDevice(device.name())
                .setStartTime(now).setEnd(JobAttempt.End.RUNNING)));
    return true;
  }

  /** Records the running attempt's worker, so an operator (or a test) can find its process and log. */
  synchronized void workerStarted(long pid, String log) {
    int last = job.getAttemptHistoryCount() - 1;
    job = job.toBuilder().setAttemptHistory(last, job.getAttemptHistory(last).toBuilder().setWorkerPid(pid)
        .setWorkerLog(log)).build();
    persist();
  }

  /** Attempts whose worker died: they count against the job's limit; pauses and trainer stops do not. */
  synchronized int workerDeaths() {
    return (int) job.getAttemptHistoryList().stream().filter(a -> a.getEnd() == JobAttempt.End.WORKER_DIED).count();
  }

  /** Phase changes keep the state: a job being cancelled stays CANCELLING. */
  synchronized void dataPrepared(DataSummary data) {
    transition(job.getState(), RunPhase.TRAINING, "training on " + data.getTrainRows() + " rows"
        + (data.getSkippedRows() > 0 ? " (" + data.getSkippedRows() + " unparsable rows skipped)" : ""), null,
        b -> b.setData(data));
  }

  synchronized void progress(Progress progress) {
    job = job.toBuilder().setProgress(progress).build();
    publish(event().setProgress(progress), true);
  }

  synchronized void epochEnded(EpochMetrics metrics, boolean improved) {
    Job.Builder b = job.toBuilder().clearEpochs();
    // An epoch trained again after a resume replaces what the interrupted run reported for it.
    job.getEpochsList().stream().filter(e -> e.getEpoch() < metrics.getEpoch()).forEach(b::addEpochs);
    job = b.addEpochs(metrics).build();
    persist();
    publish(event().setEpochEnded(EpochEnded.newBuilder().setMetrics(metrics).setImproved(improved)), false);
  }

  /** Into phase EXPORTING, unless the job started in it (an export retry). */
  synchronized void exporting() {
    if (job.getPhase() == RunPhase.EXPORTING) {
      return;
    }
    transition(job.getState(), RunPhase.EXPORTING, "exporting the best checkpoint as the next version of "
        + job.getModelName(), null, b -> { });
  }

  synchronized void succeeded(long version, TrainingMetrics metrics) {
    publish(event().setResult(JobResult.newBuilder().setModelName(job.getModelName()).setVersion(version)
        .setMetrics(metrics)), false);
    transition(JobState.SUCCEEDED, RunPhase.RUN_PHASE_UNSPECIFIED, String.format(
        "exported version %d of %s: test AUC %.4f, logloss %.4f", version, job.getModelName(),
        metrics.getTest().getAuc(), metrics.getTest().getLogloss()), null,
        b -> b.setVersion(version).setMetrics(metrics));
  }

  synchronized void failed(JobFailure failure) {
    transition(JobState.FAILED, RunPhase.RUN_PHASE_UNSPECIFIED, failure.getMessage(), failure, b -> { });
  }

  synchronized void cancelled(String message) {
    transition(JobState.CANCELLED, RunPhase.RUN_PHASE_UNSPECIFIED, message, null, b -> { });
  }

  /** Back to the queue: paused by a shutdown, found running after a restart, or to retry after its worker died. */
  synchronized void requeue(String message, JobAttempt.End end) {
    requeue(message, end, "", "");
  }

  synchronized void requeue(String message, JobAttempt.End end, String cause, String logTail) {
    transition(JobState.QUEUED, RunPhase.RUN_PHASE_UNSPECIFIED, message, null,
        b -> endAttempt(b, end, cause, logTail));
  }

  /** Fails the job because its worker died on its last allowed attempt. */
  synchronized void workerDied(JobFailure failure, String cause, String logTail) {
    transition(JobState.FAILED, RunPhase.RUN_PHASE_UNSPECIFIED, failure.getMessage(), failure,
        b -> endAttempt(b, JobAttempt.End.WORKER_DIED, cause, logTail));
  }

  /** Closes the running attempt, if any. */
  private static void endAttempt(Job.Builder b, JobAttempt.End end, String cause, String logTail) {
    int last = b.getAttemptHistoryCount() - 1;
    if (last >= 0 && b.getAttemptHistory(last).getEnd() == JobAttempt.End.RUNNING) {
      b.setAttemptHistory(last, b.getAttemptHistory(last).toBuilder().setEnd(end).setEndTime(now()).setCause(cause)
          .setLogTail(logTail));
    }
  }

  /**
   * Queues the export of a job that failed at export again. A job whose retry already waits or
   * runs stays as it is.
   *
   * @return whether the job was queued now: the caller then schedules it
   * @throws StatusRuntimeException FAILED_PRECONDITION if the job has no trained model to export
   */
  synchronized boolean retryExport() {
    JobState state = job.getState();
    if (job.getExportable() && !terminal(state)) {
      return false;
    }
    if (state != JobState.FAILED || !job.getExportable()) {
      throw GrpcErrors.failedPrecondition("JOB_NOT_EXPORTABLE", "job " + id + " " + notExportable()
          + "; RetryExport is for a job whose export failed (failure kind EXPORT_FAILED)");
    }
    transition(JobState.QUEUED, RunPhase.RUN_PHASE_UNSPECIFIED, "export retry requested; waiting for a CPU slot",
        null, b -> b.clearFailure().clearEndTime());
    return true;
  }

  private String notExportable() {
    return switch (job.getState()) {
      case SUCCEEDED -> "already succeeded: it exported version " + job.getVersion() + " of " + job.getModelName();
      case FAILED -> "failed with " + job.getFailure().getKind() + " before it had a trained model to export; fix "
          + "the cause and submit it again";
      case CANCELLED -> "was cancelled; there is no trained model to export";
      default -> "is " + job.getState() + ", not FAILED";
    };
  }

  /**
   * Asks the job to stop. A job still waiting ({@code takeOutOfQueue} succeeds) is cancelled at
   * once; a running one goes to CANCELLING and stops at its next step.
   *
   * @throws StatusRuntimeException FAILED_PRECONDITION if the job already ended
   */
  synchronized Job cancel(BooleanSupplier takeOutOfQueue) {
    JobState state = job.getState();
    if (terminal(state)) {
      throw GrpcErrors.failedPrecondition("JOB_ALREADY_ENDED", "job " + id() + " already ended as " + state
          + "; only QUEUED or RUNNING jobs can be cancelled");
    }
    if (state != JobState.CANCELLING) {
      cancelRequested = true;
      if (state == JobState.QUEUED && takeOutOfQueue.getAsBoolean()) {
        transition(JobState.CANCELLED, RunPhase.RUN_PHASE_UNSPECIFIED, "cancelled while queued", null, b -> { });
      } else {
        transition(JobState.CANCELLING, job.getPhase(), "cancel requested; the job stops at its next training step",
            null, b -> { });
      }
    }
    return job;
  }

  /** Sends the job as it stands, then every change until it ends. */
  synchronized void watch(ServerCallStreamObserver<JobEvent> stream) {
    JobWatcher watcher = new JobWatcher(stream);
    stream.setOnCancelHandler(() -> forget(watcher));
    watcher.send(event().setSnapshot(job).build(), false);
    if (terminal(job.getState())) {
      watcher.complete();
    } else {
      watchers.add(watcher);
    }
  }

  /** Ends every watch with UNAVAILABLE: the trainer is going away, the job is not. */
  synchronized void disconnectWatchers(String why) {
    StatusRuntimeException status = GrpcErrors.unavailable(why, Duration.ofSeconds(5));
    watchers.forEach(w -> w.fail(status));
    watchers.clear();
  }

  private synchronized void forget(JobWatcher watcher) {
    watchers.remove(watcher);
  }

  private void transition(JobState state, RunPhase phase, String message, JobFailure failure,
      Consumer<Job.Builder> change) {
    Timestamp now = now();
    StateTransition.Builder t = StateTransition.newBuilder().setState(state).setPhase(phase).setTime(now)
        .setMessage(message);
    if (failure != null) {
      t.setFailure(failure);
    }
    Job.Builder b = job.toBuilder().setState(state).setPhase(phase).addTransitions(t);
    if (failure != null) {
      b.setFailure(failure);
    }
    if (terminal(state)) {
      // Only a failed export leaves a trained model to export again.
      b.setEndTime(now).setExportable(failure != null && failure.getKind() == JobFailure.Kind.EXPORT_FAILED);
    }
    change.accept(b);
    if (terminal(state)) {
      endAttempt(b, JobAttempt.End.JOB_ENDED, "", "");
    }
    job = b.build();
    persist();
    publish(event().setStateChanged(t), false);
    if (terminal(state)) {
      watchers.forEach(JobWatcher::complete);
      watchers.clear();
    }
  }

  private void persist() {
    try {
      store.save(job);
    } catch (IOException e) {
      // The job goes on; after a restart it resumes from its last stored state.
      LOG.log(Level.SEVERE, "could not store job " + id() + " (" + job.getState() + ")", e);
    }
  }

  private void publish(JobEvent.Builder event, boolean droppable) {
    if (watchers.isEmpty()) {
      return;
    }
    JobEvent built = event.build();
    watchers.removeIf(w -> !w.open());
    watchers.forEach(w -> w.send(built, droppable));
  }

  private JobEvent.Builder event() {
    return JobEvent.newBuilder().setJobId(id()).setTime(now());
  }

  static Timestamp now() {
    return Timestamps.fromMillis(System.currentTimeMillis());
  }
}
