package io.dlf.serving.predict;

import io.dlf.dsl.encode.RawBatch;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/** Joins the examples of several requests (all with the same features) into one batch. */
final class RawBatches {
  private RawBatches() {}

  static RawBatch concat(List<RawBatch> batches) {
    if (batches.size() == 1) {
      return batches.get(0);
    }
    int size = batches.stream().mapToInt(RawBatch::size).sum();
    RawBatch first = batches.get(0);
    Map<String, String[]> strings = new HashMap<>();
    first.strings().keySet().forEach(name -> strings.put(name,
        join(batches, size, String[]::new, b -> b.strings().get(name))));
    Map<String, float[]> numbers = new HashMap<>();
    first.numbers().keySet().forEach(name -> {
      float[] column = new float[size];
      int offset = 0;
      for (RawBatch b : batches) {
        System.arraycopy(b.numbers().get(name), 0, column, offset, b.size());
        offset += b.size();
      }
      numbers.put(name, column);
    });
    Map<String, String[][]> sequences = new HashMap<>();
    first.sequences().keySet().forEach(name -> sequences.put(name,
        join(batches, size, String[][]::new, b -> b.sequences().get(name))));
    return new RawBatch(size, strings, numbers, sequences);
  }

  private static <T> T[] join(List<RawBatch> batches, int size, IntFunction<T[]> array,
      java.util.function.Function<RawBatch, T[]> column) {
    T[] out = array.apply(size);
    int offset = 0;
    for (RawBatch b : batches) {
      System.arraycopy(column.apply(b), 0, out, offset, b.size());
      offset += b.size();
    }
    return out;
  }
}
