package io.dlf.trainer.server.jobs;

import com.google.protobuf.Timestamp;
import io.dlf.proto.model.v1.EpochMetrics;
import io.dlf.proto.model.v1.TrainingMetrics;
import io.dlf.proto.train.v1.ClusterPlacement;
import io.dlf.proto.trainer.v1.DataSummary;
import io.dlf.proto.trainer.v1.Job;
import io.dlf.proto.trainer.v1.JobAttempt;
import io.dlf.proto.trainer.v1.JobFailure;
import io.dlf.proto.trainer.v1.PreparationProgress;
import io.dlf.proto.trainer.v1.Progress;
import io.dlf.trainer.server.devices.Device;
import java.util.Optional;
import java.util.function.Function;

/**
 * One job as the code running it sees it: what its worker reported goes in here, and the record
 * takes it wherever it lives ({@link LiveJob}: memory, a file and the watchers in this process; a
 * leased row of a shared database). Every change is a {@link JobTransitions} function of the record.
 */
public abstract class JobRecord {

  public abstract String id();

  /** The record as this process knows it. */
  public abstract Job snapshot();

  /** Whether a client asked to cancel the job. */
  public abstract boolean cancelRequested();

  /**
   * Applies one change.
   *
   * @param durable false for a change that need not survive a restart (progress)
   */
  protected abstract void apply(Function<Job, JobChange> change, boolean durable);

  /** QUEUED to RUNNING on {@code device}; false if the job must not run (it ended instead). */
  public abstract boolean start(Device device);

  /**
   * Where the tasks of the job's cluster run when its worker host spread them over several hosts;
   * empty: the chief starts them all beside itself.
   */
  public Optional<ClusterPlacement> clusterPlacement() {
    return Optional.empty();
  }

  public void workerStarted(long pid, String log) {
    apply(j -> JobTransitions.workerStarted(j, pid, log), true);
  }

  public int workerDeaths() {
    return JobTransitions.workerDeaths(snapshot());
  }

  public void dataPrepared(DataSummary data) {
    Timestamp now = JobTransitions.now();
    apply(j -> JobTransitions.dataPrepared(j, now, data), true);
  }

  public void preparation(PreparationProgress progress) {
    Timestamp now = JobTransitions.now();
    apply(j -> JobTransitions.preparation(j, now, progress), false);
  }

  public void progress(Progress progress) {
    Timestamp now = JobTransitions.now();
    apply(j -> JobTransitions.progress(j, now, progress), false);
  }

  public void epochEnded(EpochMetrics metrics, boolean improved) {
    Timestamp now = JobTransitions.now();
    apply(j -> JobTransitions.epochEnded(j, now, metrics, improved), true);
  }

  public void exporting() {
    Timestamp now = JobTransitions.now();
    apply(j -> JobTransitions.exporting(j, now), true);
  }

  public void succeeded(long version, TrainingMetrics metrics) {
    Timestamp now = JobTransitions.now();
    apply(j -> JobTransitions.succeeded(j, now, version, metrics), true);
  }

  public void failed(JobFailure failure) {
    Timestamp now = JobTransitions.now();
    apply(j -> JobTransitions.failed(j, now, failure), true);
  }

  public void cancelled(String message) {
    Timestamp now = JobTransitions.now();
    apply(j -> JobTransitions.cancelled(j, now, message), true);
  }

  /** Back to the queue: paused by a shutdown, found running after a restart, or to retry after its worker died. */
  public void requeue(String message, JobAttempt.End end) {
    requeue(message, end, "", "");
  }

  public void requeue(String message, JobAttempt.End end, String cause, String logTail) {
    Timestamp now = JobTransitions.now();
    apply(j -> JobTransitions.requeue(j, now, message, end, cause, logTail), true);
  }

  /** Fails the job because its worker died on its last allowed attempt. */
  public void workerDied(JobFailure failure, String cause, String logTail) {
    Timestamp now = JobTransitions.now();
    apply(j -> JobTransitions.workerDied(j, now, failure, cause, logTail), true);
  }
}
