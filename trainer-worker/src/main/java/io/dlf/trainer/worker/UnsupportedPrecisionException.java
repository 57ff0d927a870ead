package io.dlf.trainer.worker;

/** The job's precision cannot train on this worker host's device; the message says why and what to do. */
final class UnsupportedPrecisionException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  UnsupportedPrecisionException(String message) {
    super(message);
  }
}
