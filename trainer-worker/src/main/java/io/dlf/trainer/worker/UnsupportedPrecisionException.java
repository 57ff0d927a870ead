package io.dlf.trainer.worker;

import io.dlf.proto.trainer.v1.JobFailure;

/**
 * The job's training or serving precision cannot run on this worker host's device; the message says
 * why and what to do, the kind names which precision.
 */
final class UnsupportedPrecisionException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final JobFailure.Kind kind;

  UnsupportedPrecisionException(JobFailure.Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  JobFailure.Kind kind() {
    return kind;
  }
}
