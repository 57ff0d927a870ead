package io.dlf.trainer.encode;

import io.dlf.dsl.encode.EncodedBatch;
import io.dlf.trainer.data.ReadReport;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * A split encoded in memory: ids and values row-major, grouped as the compiler's field layout
 * groups them, and the labels. An epoch shuffles all rows.
 */
public final class EncodedDataset implements EncodedSplit {
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

  @Override
  public long size() {
    return size;
  }

  public float label(int row) {
    return labels[row];
  }

  public float[] labels() {
    return labels.clone();
  }

  @Override
  public ReadReport report() {
    return report;
  }

  @Override
  public BatchStream epoch(long seed, int epoch, int batchSize, int first) {
    return new Batches(epochOrder(size, seed, epoch), batchSize, first);
  }

  @Override
  public BatchStream inOrder(int batchSize) {
    int[] order = new int[size];
    for (int i = 0; i < size; i++) {
      order[i] = i;
    }
    return new Batches(order, batchSize, 0);
  }

  /** The shuffled row order of one epoch: reproducible from the seed and the epoch alone. */
  static int[] epochOrder(int size, long seed, int epoch) {
    Random random = new Random(seed * 1_000_003L + epoch);
    int[] order = new int[size];
    for (int i = 0; i < size; i++) {
      order[i] = i;
    }
    for (int i = size - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    return order;
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

  /** Consecutive slices of an order. */
  private final class Batches implements BatchStream {
    private final int[] order;
    private final int batchSize;
    private int from;

    Batches(int[] order, int batchSize, int first) {
      this.order = order;
      this.batchSize = batchSize;
      this.from = (int) Math.min(order.length, (long) first * batchSize);
    }

    @Override
    public LabeledBatch next() {
      if (from >= order.length) {
        return null;
      }
      int to = Math.min(order.length, from + batchSize);
      LabeledBatch batch = new LabeledBatch(batch(order, from, to), labels(order, from, to));
      from = to;
      return batch;
    }

    @Override
    public void close() {}
  }
}
