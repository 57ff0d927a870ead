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
import io.dlf.proto.trainer.v1.PreparationProgress;
import io.dlf.proto.trainer.v1.Progress;
import io.dlf.proto.trainer.v1.RunPhase;
import io.dlf.proto.trainer.v1.StateTransition;
import io.dlf.server.GrpcErrors;
import io.dlf.proto.trainer.v1.SubmitJobRequest;
import io.dlf.trainer.server.devices.Device;
import io.dlf.trainer.server.devices.DeviceKind;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A job's state machine, wherever its record lives: each method takes the record as it stands and
 * the time the change happened, and returns the record afterwards with the events it makes. No
 * method has side effects, so a change can be applied to a record in memory, or later to the row a
 * database holds.
 */
public final class JobTransitions {
  private JobTransitions() {}

  public static Timestamp now() {
    return Timestamps.fromMillis(System.currentTimeMillis());
  }

  public static boolean terminal(JobState state) {
    return state == JobState.SUCCEEDED || state == JobState.FAILED || state == JobState.CANCELLED;
  }

  /** A new job's record, QUEUED for a slot of {@code kind}. */
  public static Job submitted(String id, SubmitJobRequest request, String submittedBy, String modelName,
      DeviceKind kind, Timestamp now) {
    return Job.newBuilder()
        .setId(id)
        .setState(JobState.QUEUED)
        .setRequest(request)
        .setModelName(modelName)
        .setSubmittedBy(submittedBy)
        .setCreateTime(now)
        .addTransitions(StateTransition.newBuilder().setState(JobState.QUEUED).setTime(now)
            .setMessage("submitted; waiting for a " + kind + " slot"))
        .build();
  }

  /**
   * The job a repeated request id names, if the request is the same.
   *
   * @throws io.grpc.StatusRuntimeException ALREADY_EXISTS if the request id came with another request
   */
  public static Job sameRequest(Job earlier, SubmitJobRequest request, String submittedBy) {
    if (!earlier.getSubmittedBy().equals(submittedBy)) {
      throw GrpcErrors.alreadyExists("REQUEST_ID_REUSED", "request_id '" + request.getRequestId()
          + "' is taken by another principal's job; use a new request_id");
    }
    if (!earlier.getRequest().equals(request)) {
      throw GrpcErrors.alreadyExists("REQUEST_ID_REUSED", "request_id '" + request.getRequestId()
          + "' already created job " + earlier.getId() + " with a different request; use a new request_id");
    }
    return earlier;
  }

  /**
   * QUEUED to RUNNING on {@code device}, a new attempt; {@code host} names the worker host ("" for
   * none). An export retry (the job is exportable) starts in phase EXPORTING: it reads no data.
   */
  public static JobChange start(Job job, Timestamp now, Device device, String host) {
    boolean exportOnly = job.getExportable();
    return transition(job, now, JobState.RUNNING, exportOnly ? RunPhase.EXPORTING : RunPhase.PREPARING_DATA,
        "placed on " + device.name() + (host.isEmpty() ? "" : " of " + host)
            + (exportOnly ? "; exporting its kept trained model" : "; reading data"), null,
        b -> b.setDevice(device.name()).setAttempts(job.getAttempts() + 1).setStartTime(now)
            .addAttemptHistory(JobAttempt.newBuilder().setNumber(job.getAttempts() + 1).setDevice(device.name())
                .setHost(host).setStartTime(now).setEnd(JobAttempt.End.RUNNING)));
  }

  /** Records the running attempt's worker, so an operator (or a test) can find its process and log. */
  public static JobChange workerStarted(Job job, long pid, String log) {
    int last = job.getAttemptHistoryCount() - 1;
    return new JobChange(job.toBuilder().setAttemptHistory(last, job.getAttemptHistory(last).toBuilder()
        .setWorkerPid(pid).setWorkerLog(log)).build(), List.of());
  }

  /** Attempts whose worker died: they count against the job's limit; pauses, stops and lease expiries do not. */
  public static int workerDeaths(Job job) {
    return (int) job.getAttemptHistoryList().stream().filter(a -> a.getEnd() == JobAttempt.End.WORKER_DIED).count();
  }

  /** Phase changes keep the state: a job being cancelled stays CANCELLING. */
  public static JobChange dataPrepared(Job job, Timestamp now, DataSummary data) {
    return transition(job, now, job.getState(), RunPhase.TRAINING, "training on " + data.getTrainRows() + " rows"
        + (data.getSkippedRows() > 0 ? " (" + data.getSkippedRows() + " unparsable rows skipped)" : ""), null,
        b -> b.setData(data));
  }

  public static JobChange preparation(Job job, Timestamp now, PreparationProgress progress) {
    return new JobChange(job.toBuilder().setPreparation(progress).build(),
        List.of(event(job, now).setPreparation(progress).build()));
  }

  /** A progress report of either phase: the next one supersedes it, so a slow watcher may miss it. */
  public static boolean isProgress(JobEvent event) {
    return event.hasProgress() || event.hasPreparation();
  }

  public static JobChange progress(Job job, Timestamp now, Progress progress) {
    return new JobChange(job.toBuilder().setProgress(progress).build(),
        List.of(event(job, now).setProgress(progress).build()));
  }

  public static JobChange epochEnded(Job job, Timestamp now, EpochMetrics metrics, boolean improved) {
    Job.Builder b = job.toBuilder().clearEpochs();
    // An epoch trained again after a resume replaces what the interrupted run reported for it.
    job.getEpochsList().stream().filter(e -> e.getEpoch() < metrics.getEpoch()).forEach(b::addEpochs);
    return new JobChange(b.addEpochs(metrics).build(), List.of(event(job, now)
        .setEpochEnded(EpochEnded.newBuilder().setMetrics(metrics).setImproved(improved)).build()));
  }

  /** Into phase EXPORTING, unless the job started in it (an export retry). */
  public static JobChange exporting(Job job, Timestamp now) {
    if (job.getPhase() == RunPhase.EXPORTING) {
      return new JobChange(job, List.of());
    }
    return transition(job, now, job.getState(), RunPhase.EXPORTING, "exporting the best checkpoint as the next "
        + "version of " + job.getModelName(), null, b -> { });
  }

  /** The result goes to watchers before the state change that ends their stream. */
  public static JobChange succeeded(Job job, Timestamp now, long version, TrainingMetrics metrics) {
    JobEvent result = event(job, now).setResult(JobResult.newBuilder().setModelName(job.getModelName())
        .setVersion(version).setMetrics(metrics)).build();
    JobChange ended = transition(job, now, JobState.SUCCEEDED, RunPhase.RUN_PHASE_UNSPECIFIED, String.format(
        "exported version %d of %s: test AUC %.4f, logloss %.4f", version, job.getModelName(),
        metrics.getTest().getAuc(), metrics.getTest().getLogloss()), null,
        b -> b.setVersion(version).setMetrics(metrics));
    List<JobEvent> events = new ArrayList<>(List.of(result));
    events.addAll(ended.events());
    return new JobChange(ended.job(), events);
  }

  public static JobChange failed(Job job, Timestamp now, JobFailure failure) {
    return transition(job, now, JobState.FAILED, RunPhase.RUN_PHASE_UNSPECIFIED, failure.getMessage(), failure,
        b -> { });
  }

  public static JobChange cancelled(Job job, Timestamp now, String message) {
    return transition(job, now, JobState.CANCELLED, RunPhase.RUN_PHASE_UNSPECIFIED, message, null, b -> { });
  }

  /** Back to the queue, closing the running attempt with {@code end}. */
  public static JobChange requeue(Job job, Timestamp now, String message, JobAttempt.End end, String cause,
      String logTail) {
    return transition(job, now, JobState.QUEUED, RunPhase.RUN_PHASE_UNSPECIFIED, message, null,
        b -> endAttempt(b, now, end, cause, logTail));
  }

  /** Fails the job because its worker died on its last allowed attempt. */
  public static JobChange workerDied(Job job, Timestamp now, JobFailure failure, String cause, String logTail) {
    return transition(job, now, JobState.FAILED, RunPhase.RUN_PHASE_UNSPECIFIED, failure.getMessage(), failure,
        b -> endAttempt(b, now, JobAttempt.End.WORKER_DIED, cause, logTail));
  }

  /**
   * A cancel: a job taken out of the queue ({@code dequeued}) is cancelled at once; a running one goes
   * to CANCELLING and stops at its next step; one already CANCELLING stays as it is.
   *
   * @throws io.grpc.StatusRuntimeException FAILED_PRECONDITION if the job already ended
   */
  public static JobChange cancel(Job job, Timestamp now, boolean dequeued) {
    checkCancellable(job);
    JobState state = job.getState();
    if (state == JobState.CANCELLING) {
      return new JobChange(job, List.of());
    }
    if (state == JobState.QUEUED && dequeued) {
      return cancelled(job, now, "cancelled while queued");
    }
    return transition(job, now, JobState.CANCELLING, job.getPhase(),
        "cancel requested; the job stops at its next training step", null, b -> { });
  }

  /**
   * Back to the queue to export again, for a job that failed at export (its trained model is kept);
   * a job whose retry already waits or runs stays as it is.
   *
   * @throws io.grpc.StatusRuntimeException FAILED_PRECONDITION (JOB_NOT_EXPORTABLE) if the job has no
   *     trained model to export
   */
  public static JobChange retryExport(Job job, Timestamp now) {
    JobState state = job.getState();
    if (job.getExportable() && !terminal(state)) {
      return new JobChange(job, List.of());
    }
    if (state != JobState.FAILED || !job.getExportable()) {
      throw GrpcErrors.failedPrecondition("JOB_NOT_EXPORTABLE", "job " + job.getId() + " " + notExportable(job)
          + "; RetryExport is for a job whose export failed (failure kind EXPORT_FAILED)");
    }
    return transition(job, now, JobState.QUEUED, RunPhase.RUN_PHASE_UNSPECIFIED,
        "export retry requested; waiting for a CPU slot", null, b -> b.clearFailure().clearEndTime());
  }

  private static String notExportable(Job job) {
    return switch (job.getState()) {
      case SUCCEEDED -> "already succeeded: it exported version " + job.getVersion() + " of " + job.getModelName();
      case FAILED -> "failed with " + job.getFailure().getKind() + " before it had a trained model to export; fix "
          + "the cause and submit it again";
      case CANCELLED -> "was cancelled; there is no trained model to export";
      default -> "is " + job.getState() + ", not FAILED";
    };
  }

  /** @throws io.grpc.StatusRuntimeException FAILED_PRECONDITION if the job already ended */
  public static void checkCancellable(Job job) {
    if (terminal(job.getState())) {
      throw GrpcErrors.failedPrecondition("JOB_ALREADY_ENDED", "job " + job.getId() + " already ended as "
          + job.getState() + "; only QUEUED or RUNNING jobs can be cancelled");
    }
  }

  private static JobChange transition(Job job, Timestamp now, JobState state, RunPhase phase, String message,
      JobFailure failure, Consumer<Job.Builder> change) {
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
      endAttempt(b, now, JobAttempt.End.JOB_ENDED, "", "");
    }
    return new JobChange(b.build(), List.of(event(job, now).setStateChanged(t).build()));
  }

  /** Closes the running attempt, if any. */
  private static void endAttempt(Job.Builder b, Timestamp now, JobAttempt.End end, String cause, String logTail) {
    int last = b.getAttemptHistoryCount() - 1;
    if (last >= 0 && b.getAttemptHistory(last).getEnd() == JobAttempt.End.RUNNING) {
      b.setAttemptHistory(last, b.getAttemptHistory(last).toBuilder().setEnd(end).setEndTime(now).setCause(cause)
          .setLogTail(logTail));
    }
  }

  private static JobEvent.Builder event(Job job, Timestamp now) {
    return JobEvent.newBuilder().setJobId(job.getId()).setTime(now);
  }
}
