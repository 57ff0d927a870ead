package io.dlf.trainer.worker;

/**
 * A task of the job's cluster ended, did not come up or cannot be reached: the attempt fails, and
 * another one, with fresh tasks, may succeed from the last checkpoint.
 */
final class ClusterTaskException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  ClusterTaskException(String message, Throwable cause) {
    super(message, cause);
  }
}
