package io.dlf.trainer.encode;

import io.dlf.trainer.data.ReadReport;

/** A split encoded for training, read as batches: shuffled for training, in row order for evaluation. */
public interface EncodedSplit {

  long size();

  /** What reading its source file found. */
  ReadReport report();

  /**
   * The batches of one training epoch from batch {@code first} on (0-based). The order is a pure
   * function of {@code seed} and {@code epoch}, so a run resumed at a step reads the same batches as
   * one that never stopped.
   */
  BatchStream epoch(long seed, int epoch, int batchSize, int first);

  /** Every row in row order. */
  BatchStream inOrder(int batchSize);
}
