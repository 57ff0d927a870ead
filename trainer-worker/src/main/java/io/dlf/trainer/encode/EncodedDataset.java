package io.dlf.trainer.encode;

import io.dlf.dsl.encode.EncodedBatch;
import io.dlf.trainer.data.ReadReport;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.IntStream;

/**
 * A split encoded for training: ids and values row-major, grouped as the compiler's field layout
 * groups them, and the labels.
 */
public final class EncodedDataset {
  private final int size;
  private final int categoricalWidth;
  private final int numericWidth;
  private final int[] categorical;
  private final float[] numeric;
  private final Map<String, int[]> sequences;
  private final Map<String, Integer> sequenceLengths;
  private final float[] labels;
  private final ReadReport report;

  EncodedDataset(int size, int categoricalWidth, int numericWidth, int[] categorical, float[] numeric,
      Map<String, int[]> sequences, Map<String, Integer> sequenceLengths, float[] labels, ReadReport report) {
    this.size = size;
    this.categoricalWidth = categoricalWidth;
    this.numericWidth = numericWidth;
    this.categorical = categorical;
    this.numeric = numeric;
    this.sequences = Map.copyOf(sequences);
    this.sequenceLengths = Map.copyOf(sequenceLengths);
    this.labels = labels;
    this.report = report;
  }

  public int size() {
    return size;
  }

  public float label(int row) {
    return labels[row];
  }

  public float[] labels() {
    return labels.clone();
  }

  public ReadReport report() {
    return report;
  }

  /** {@code predict}'s probabilities for every row, in row order, asked in batches of at most {@code batchSize} rows. */
  public float[] predictAll(int batchSize, Function<EncodedBatch, float[]> predict) {
    int[] order = IntStream.range(0, size).toArray();
    float[] out = new float[size];
    for (int from = 0; from < size; from += batchSize) {
      int to = Math.min(size, from + batchSize);
      System.arraycopy(predict.apply(batch(order, from, to)), 0, out, from, to - from);
    }
    return out;
  }

  /** The rows {@code order[from..to)} as one batch. */
  public EncodedBatch batch(int[] order, int from, int to) {
    int n = to - from;
    int[] cat = new int[n * categoricalWidth];
    float[] num = new float[n * numericWidth];
    Map<String, int[]> seq = new LinkedHashMap<>();
    sequences.forEach((name, ids) -> seq.put(name, new int[n * sequenceLengths.get(name)]));
    for (int i = 0; i < n; i++) {
      int row = order[from + i];
      System.arraycopy(categorical, row * categoricalWidth, cat, i * categoricalWidth, categoricalWidth);
      System.arraycopy(numeric, row * numericWidth, num, i * numericWidth, numericWidth);
      for (Map.Entry<String, int[]> e : sequences.entrySet()) {
        int length = sequenceLengths.get(e.getKey());
        System.arraycopy(e.getValue(), row * length, seq.get(e.getKey()), i * length, length);
      }
    }
    return new EncodedBatch(n, cat, num, seq);
  }

  /** Labels of {@code order[from..to)}. */
  public float[] labels(int[] order, int from, int to) {
    float[] out = new float[to - from];
    for (int i = from; i < to; i++) {
      out[i - from] = labels[order[i]];
    }
    return out;
  }
}
