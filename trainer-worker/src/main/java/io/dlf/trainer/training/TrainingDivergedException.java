package io.dlf.trainer.training;

/** The loss became NaN or infinite: the run cannot go on with these settings. */
public final class TrainingDivergedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public TrainingDivergedException(String message) {
    super(message);
  }
}
