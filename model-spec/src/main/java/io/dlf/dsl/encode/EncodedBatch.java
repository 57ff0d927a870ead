package io.dlf.dsl.encode;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Examples as the graph takes them, row-major and grouped by kind (see the compiler's field layout).
 *
 * @param categorical {@code size x categorical-fields} ids; empty when there are none
 * @param numeric {@code size x numeric-fields} raw values, NaN where missing; empty when none
 * @param sequences per sequence feature, {@code size x max_length} ids, 0 as padding
 */
public record EncodedBatch(int size, int[] categorical, float[] numeric, Map<String, int[]> sequences) {

  public EncodedBatch {
    sequences = Map.copyOf(sequences);
  }

  /** A copy of rows {@code [from, to)}. */
  public EncodedBatch rows(int from, int to) {
    Objects.checkFromToIndex(from, to, size);
    Map<String, int[]> slices = new LinkedHashMap<>();
    sequences.forEach((name, ids) -> slices.put(name, rows(ids, from, to)));
    int width = size == 0 ? 0 : numeric.length / size;
    return new EncodedBatch(to - from, rows(categorical, from, to),
        Arrays.copyOfRange(numeric, from * width, to * width), slices);
  }

  /** Rows {@code [from, to)} of {@code values}, {@code size} rows of equal width. */
  private int[] rows(int[] values, int from, int to) {
    int width = size == 0 ? 0 : values.length / size;
    return Arrays.copyOfRange(values, from * width, to * width);
  }
}
