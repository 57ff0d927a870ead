package io.dlf.trainer.worker;

import io.dlf.dsl.compile.GraphCompilationException;
import io.dlf.proto.trainer.v1.JobFailure;
import io.dlf.trainer.data.DataException;
import io.dlf.trainer.training.TrainingDivergedException;

/** Why a job failed inside its worker, said so that a person knows what to do. */
final class WorkerFailures {
  private WorkerFailures() {}

  static JobFailure of(Throwable error) {
    if (error instanceof DataException e) {
      return JobFailure.newBuilder().setKind(JobFailure.Kind.BAD_DATA).setFile(e.file()).setLine(e.line())
          .setMessage(e.getMessage() + (e.line() > 0
              ? "; fix or remove the row, or resubmit with dataset.bad_rows = SKIP to skip unparsable rows"
              : ""))
          .build();
    }
    if (error instanceof TrainingDivergedException e) {
      return failure(JobFailure.Kind.DIVERGED, e.getMessage());
    }
    if (error instanceof GraphCompilationException e) {
      return failure(JobFailure.Kind.INVALID_REQUEST, "the model cannot be compiled: " + e.getMessage());
    }
    if (error instanceof OutOfMemoryError e) {
      return failure(JobFailure.Kind.OUT_OF_MEMORY, "out of memory (" + e.getMessage() + "); lower "
          + "training.batch_size or the model's size, or give each job more memory (the trainer's "
          + "--worker-heap and --job-memory-limit)");
    }
    return failure(JobFailure.Kind.INTERNAL, "internal error: " + error + "; the job's worker log has the details");
  }

  private static JobFailure failure(JobFailure.Kind kind, String message) {
    return JobFailure.newBuilder().setKind(kind).setMessage(message).build();
  }
}
