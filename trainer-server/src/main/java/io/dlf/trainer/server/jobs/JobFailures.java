package io.dlf.trainer.server.jobs;

import io.dlf.dsl.compile.GraphCompilationException;
import io.dlf.proto.trainer.v1.JobFailure;
import io.dlf.trainer.data.DataException;
import io.dlf.trainer.training.TrainingDivergedException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/** Why a job failed, said so that a person knows what to do. */
final class JobFailures {
  private JobFailures() {}

  static JobFailure of(Throwable error) {
    if (error instanceof DataException e) {
      return JobFailure.newBuilder().setKind(JobFailure.Kind.BAD_DATA).setFile(e.file()).setLine(e.line())
          .setMessage(e.getMessage() + (e.line() > 0
              ? "; fix or remove the row, or resubmit with dataset.bad_rows = SKIP to skip unparsable rows"
              : ""))
          .build();
    }
    if (error instanceof StatusRuntimeException e) {
      // The request was checked again when the job started (it may have waited, or outlived a restart).
      Status status = e.getStatus();
      JobFailure.Kind kind = switch (status.getCode()) {
        case NOT_FOUND, PERMISSION_DENIED -> JobFailure.Kind.DATA_UNAVAILABLE;
        default -> JobFailure.Kind.INVALID_REQUEST;
      };
      return failure(kind, "the job no longer passes validation: " + status.getDescription());
    }
    if (error instanceof TrainingDivergedException e) {
      return failure(JobFailure.Kind.DIVERGED, e.getMessage());
    }
    if (error instanceof GraphCompilationException e) {
      return failure(JobFailure.Kind.INVALID_REQUEST, "the model cannot be compiled: " + e.getMessage());
    }
    if (error instanceof OutOfMemoryError e) {
      return failure(JobFailure.Kind.OUT_OF_MEMORY, "out of memory (" + e.getMessage() + "); lower "
          + "training.batch_size or the model's size, or give the trainer more memory (-Xmx, and "
          + "-Dorg.bytedeco.javacpp.maxPhysicalBytes=0 so TensorFlow's native memory is not capped by -Xmx)");
    }
    return failure(JobFailure.Kind.INTERNAL, "internal error: " + error + "; the trainer's log has the details");
  }

  static JobFailure noGpu(String devices) {
    return failure(JobFailure.Kind.NO_GPU, "the job requires a GPU and this trainer has none (TensorFlow devices: "
        + devices + "); resubmit with training.device = PREFER_GPU or CPU, or run it on a trainer built with "
        + "-Pgpu on a host with CUDA 12 and cuDNN 9");
  }

  private static JobFailure failure(JobFailure.Kind kind, String message) {
    return JobFailure.newBuilder().setKind(kind).setMessage(message).build();
  }
}
