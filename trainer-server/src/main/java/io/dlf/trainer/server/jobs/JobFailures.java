package io.dlf.trainer.server.jobs;

import io.dlf.proto.trainer.v1.JobFailure;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/** Why a job failed outside its worker, said so that a person knows what to do. */
public final class JobFailures {
  private JobFailures() {}

  /** The request was checked again when the job started (it may have waited, or outlived a restart). */
  static JobFailure revalidation(StatusRuntimeException e) {
    Status status = e.getStatus();
    JobFailure.Kind kind = switch (status.getCode()) {
      case NOT_FOUND, PERMISSION_DENIED -> JobFailure.Kind.DATA_UNAVAILABLE;
      default -> JobFailure.Kind.INVALID_REQUEST;
    };
    return failure(kind, "the job no longer passes validation: " + status.getDescription());
  }

  public static JobFailure noGpu(String devices) {
    return failure(JobFailure.Kind.NO_GPU, "the job requires a GPU and this trainer has none (TensorFlow devices: "
        + devices + "); resubmit with training.device = PREFER_GPU or CPU, or run it on a trainer built with "
        + "-Pgpu on a host with CUDA 12 and cuDNN 9");
  }

  static JobFailure workerDied(String cause, int attempts, String logTail) {
    return failure(JobFailure.Kind.WORKER_DIED, cause + "; that was attempt " + attempts + " of " + attempts
        + ", so the job is not retried (Job.attempt_history has every attempt's cause)"
        + (logTail.isEmpty() ? "" : ". The worker's last log lines:\n" + logTail));
  }

  private static JobFailure failure(JobFailure.Kind kind, String message) {
    return JobFailure.newBuilder().setKind(kind).setMessage(message).build();
  }
}
