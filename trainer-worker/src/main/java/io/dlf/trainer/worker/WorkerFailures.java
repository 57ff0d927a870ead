package io.dlf.trainer.worker;

import io.dlf.dsl.compile.GraphCompilationException;
import io.dlf.dsl.export.ExportStorageException;
import io.dlf.proto.trainer.v1.JobFailure;
import io.dlf.trainer.data.DataException;
import io.dlf.trainer.encode.PreparationSpaceException;
import io.dlf.trainer.training.TrainingDivergedException;

/** Why a job failed inside its worker, said so that a person knows what to do. */
final class WorkerFailures {
  private WorkerFailures() {}

  static JobFailure of(Throwable error, String jobId) {
    if (error instanceof DataException e) {
      return JobFailure.newBuilder().setKind(JobFailure.Kind.BAD_DATA).setFile(e.file()).setLine(e.line())
          .setMessage(e.getMessage() + (e.line() > 0
              ? "; fix or remove the row, or resubmit with dataset.bad_rows = SKIP to skip unparsable rows"
              : ""))
          .build();
    }
    if (error instanceof PreparationSpaceException e) {
      return JobFailure.newBuilder().setKind(JobFailure.Kind.NO_SPACE)
          .setMessage(e.getMessage() + "; free space there (or start the trainer with --data-dir on a larger disk), "
              + "then submit the job again")
          .setFolder(e.folder().toString())
          .setNeededBytes(e.neededBytes())
          .setFreeBytes(e.freeBytes())
          .build();
    }
    if (error instanceof ExportStorageException e) {
      return exportFailed(e, jobId);
    }
    if (error instanceof TrainingDivergedException e) {
      return failure(JobFailure.Kind.DIVERGED, e.getMessage());
    }
    if (error instanceof UnsupportedPrecisionException e) {
      return failure(e.kind(), e.getMessage());
    }
    if (error instanceof GraphCompilationException e) {
      return failure(JobFailure.Kind.INVALID_REQUEST, "the model cannot be compiled: " + e.getMessage());
    }
    if (error instanceof OutOfMemoryError e) {
      return failure(JobFailure.Kind.OUT_OF_MEMORY, "out of memory (" + e.getMessage() + "); lower "
          + "training.batch_size or the model's size, or give each job more memory (the trainer's "
          + "--worker-heap and --job-memory-limit)");
    }
    return failure(JobFailure.Kind.INTERNAL, "internal error: " + firstLine(error) + "; the job's worker log has "
        + "the details");
  }

  /** The trained model stays in the job's work folder; the message says what to fix before RetryExport. */
  private static JobFailure exportFailed(ExportStorageException e, String jobId) {
    String fix = switch (e.reason()) {
      case NO_SPACE -> "free space there (or start the trainer with --models-dir on a larger disk)";
      case NOT_WRITABLE -> "let the trainer write there (or start it with --models-dir elsewhere)";
    };
    return JobFailure.newBuilder().setKind(JobFailure.Kind.EXPORT_FAILED)
        .setMessage(e.getMessage() + "; the trained model is kept: " + fix + ", then call RetryExport for job "
            + jobId + " (dlfctl jobs retry-export " + jobId + ")")
        .setFolder(e.folder().toString())
        .setNeededBytes(e.neededBytes())
        .setFreeBytes(e.freeBytes())
        .build();
  }

  /** The error's type and the first line of its message: TensorFlow's carry hints for its own developers after it. */
  private static String firstLine(Throwable error) {
    String message = String.valueOf(error.getMessage());
    int end = message.indexOf('\n');
    return error.getClass().getName() + ": " + (end < 0 ? message : message.substring(0, end));
  }

  private static JobFailure failure(JobFailure.Kind kind, String message) {
    return JobFailure.newBuilder().setKind(kind).setMessage(message).build();
  }
}
