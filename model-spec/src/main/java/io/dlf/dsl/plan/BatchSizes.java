package io.dlf.dsl.plan;

/**
 * The batch sizes a job's memory follows.
 *
 * @param training rows per training step, as read from the data
 * @param microBatches consecutive parts a step differentiates one after another (1: the whole batch)
 * @param evaluation rows per validation and test prediction batch
 */
public record BatchSizes(int training, int microBatches, int evaluation) {
  public BatchSizes {
    if (training < 1 || microBatches < 1 || evaluation < 1) {
      throw new IllegalArgumentException("batch sizes must be positive: " + training + ", " + microBatches + ", "
          + evaluation);
    }
  }

  /** Whole-batch steps. */
  public static BatchSizes of(int training, int evaluation) {
    return new BatchSizes(training, 1, evaluation);
  }

  /** The rows whose activations a training step holds at once: one part's, the first being the largest. */
  public int stepRows() {
    return training / microBatches + (training % microBatches == 0 ? 0 : 1);
  }
}
