package io.dlf.dsl.encode;

import java.util.Map;

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
}
