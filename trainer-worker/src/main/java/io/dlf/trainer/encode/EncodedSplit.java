package io.dlf.trainer.encode;

import io.dlf.dsl.encode.EncodedBatch;
import io.dlf.trainer.data.ReadReport;
import java.util.function.Function;

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

  /**
   * {@code predict}'s probability for every row, in row order, with the rows' labels; {@code predict}
   * is asked for batches of at most {@code batchSize} rows and returns one probability per row.
   */
  default SplitPredictions predictAll(int batchSize, Function<EncodedBatch, float[]> predict) {
    int size = Math.toIntExact(size());
    float[] labels = new float[size];
    float[] probabilities = new float[size];
    int from = 0;
    try (BatchStream batches = inOrder(batchSize)) {
      for (LabeledBatch batch = batches.next(); batch != null; batch = batches.next()) {
        int n = batch.labels().length;
        System.arraycopy(batch.labels(), 0, labels, from, n);
        System.arraycopy(predict.apply(batch.inputs()), 0, probabilities, from, n);
        from += n;
      }
    }
    if (from != size) {
      throw new IllegalStateException("the split gave " + from + " rows, " + size + " expected");
    }
    return new SplitPredictions(labels, probabilities);
  }
}
