package io.dlf.dsl.encode;

import io.dlf.dsl.spec.Feature;

/**
 * The raw values of a batch, one column per input feature, from wherever they arrive (a request
 * row by row or column by column, KServe tensors, warm-up placeholders). {@link RawBatch#of}
 * asks for each input's column by its kind, so every source is decoded by the same rules.
 */
public interface RawColumnSource {
  /** One value per example. */
  String[] categorical(Feature feature);

  /** One value per example, NaN where missing. */
  float[] numeric(Feature feature);

  /** Per example, its tokens oldest first; empty tokens may be left in (see {@link SequenceTokenizer}). */
  String[][] sequence(Feature feature);
}
