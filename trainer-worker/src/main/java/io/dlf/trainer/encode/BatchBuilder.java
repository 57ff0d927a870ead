package io.dlf.trainer.encode;

import io.dlf.dsl.encode.EncodedBatch;
import io.dlf.dsl.spec.Feature;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/** Gathers rows stored as {@link RowFormat} bytes into one batch of at most {@code capacity} rows. */
final class BatchBuilder {
  private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle FLOAT = MethodHandles.byteArrayViewVarHandle(float[].class, ByteOrder.LITTLE_ENDIAN);

  private final RowFormat format;
  private final int capacity;
  private final int[] categorical;
  private final float[] numeric;
  private final int[][] sequences;
  private final float[] labels;
  private int size;

  BatchBuilder(RowFormat format, int capacity) {
    this.format = format;
    this.capacity = capacity;
    categorical = new int[capacity * format.categoricalWidth()];
    numeric = new float[capacity * format.numericWidth()];
    sequences = format.sequences().stream().map(f -> new int[capacity * f.maxLength()]).toArray(int[][]::new);
    labels = new float[capacity];
  }

  boolean isFull() {
    return size == capacity;
  }

  boolean isEmpty() {
    return size == 0;
  }

  /** Adds the row at byte {@code offset} of {@code rows} (little-endian). */
  void add(byte[] rows, int offset) {
    int at = offset;
    labels[size] = (float) FLOAT.get(rows, at);
    at += Float.BYTES;
    int c = format.categoricalWidth();
    for (int i = 0; i < c; i++, at += Integer.BYTES) {
      categorical[size * c + i] = (int) INT.get(rows, at);
    }
    int n = format.numericWidth();
    for (int i = 0; i < n; i++, at += Float.BYTES) {
      numeric[size * n + i] = (float) FLOAT.get(rows, at);
    }
    for (int s = 0; s < sequences.length; s++) {
      int length = format.sequences().get(s).maxLength();
      for (int i = 0; i < length; i++, at += Integer.BYTES) {
        sequences[s][size * length + i] = (int) INT.get(rows, at);
      }
    }
    size++;
  }

  /** The rows so far as a batch of their own; the builder starts a new one. */
  LabeledBatch build() {
    int n = size;
    Map<String, int[]> bySequence = new LinkedHashMap<>();
    for (int s = 0; s < sequences.length; s++) {
      Feature f = format.sequences().get(s);
      bySequence.put(f.name(), Arrays.copyOf(sequences[s], n * f.maxLength()));
    }
    LabeledBatch batch = new LabeledBatch(new EncodedBatch(n, Arrays.copyOf(categorical, n * format.categoricalWidth()),
        Arrays.copyOf(numeric, n * format.numericWidth()), bySequence), Arrays.copyOf(labels, n));
    size = 0;
    return batch;
  }
}
