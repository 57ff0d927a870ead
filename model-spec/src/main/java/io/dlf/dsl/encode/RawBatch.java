package io.dlf.dsl.encode;

import io.dlf.dsl.spec.Feature;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.IntFunction;

/**
 * Examples as raw feature values, column by column: what a client sends.
 *
 * @param strings categorical features: one value per example
 * @param numbers numeric features: one value per example, NaN where missing
 * @param sequences sequence features: per example, the non-empty tokens oldest first
 */
public record RawBatch(
    int size, Map<String, String[]> strings, Map<String, float[]> numbers, Map<String, String[][]> sequences) {

  public RawBatch {
    strings = Map.copyOf(strings);
    numbers = Map.copyOf(numbers);
    sequences = Map.copyOf(sequences);
  }

  /**
   * The batch of {@code size} examples that {@code source} holds for {@code inputs}: the one place
   * raw values become a batch, for training-side checks, serving and warm-up alike. Sequence
   * tokens follow {@link SequenceTokenizer}'s rule whatever form they came in.
   */
  public static RawBatch of(List<Feature> inputs, int size, RawColumnSource source) {
    Map<String, String[]> strings = new HashMap<>();
    Map<String, float[]> numbers = new HashMap<>();
    Map<String, String[][]> sequences = new HashMap<>();
    for (Feature f : inputs) {
      switch (f.kind()) {
        case CATEGORICAL -> strings.put(f.name(), checkLength(f, source.categorical(f), size));
        case NUMERIC -> {
          float[] values = source.numeric(f);
          checkLength(f, values.length, size);
          numbers.put(f.name(), values);
        }
        case SEQUENCE -> {
          // a copy: the source keeps its arrays as they were
          String[][] rows = checkLength(f, source.sequence(f), size).clone();
          for (int i = 0; i < rows.length; i++) {
            rows[i] = SequenceTokenizer.nonEmpty(rows[i]);
          }
          sequences.put(f.name(), rows);
        }
      }
    }
    return new RawBatch(size, strings, numbers, sequences);
  }

  /** The examples of several batches with the same features, in order, as one batch. */
  public static RawBatch concat(List<RawBatch> batches) {
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

  private static <T> T[] join(List<RawBatch> batches, int size, IntFunction<T[]> array, Function<RawBatch, T[]> column) {
    T[] out = array.apply(size);
    int offset = 0;
    for (RawBatch b : batches) {
      System.arraycopy(column.apply(b), 0, out, offset, b.size());
      offset += b.size();
    }
    return out;
  }

  private static <T> T[] checkLength(Feature feature, T[] column, int size) {
    checkLength(feature, column.length, size);
    return column;
  }

  /** A source's own checks name the request field; this one guards against a source that skipped them. */
  private static void checkLength(Feature feature, int length, int size) {
    if (length != size) {
      throw new IllegalArgumentException("feature '" + feature.name() + "' has " + length + " values for "
          + size + " examples");
    }
  }
}
