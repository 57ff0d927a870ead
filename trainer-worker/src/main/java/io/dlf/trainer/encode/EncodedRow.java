package io.dlf.trainer.encode;

import java.nio.ByteBuffer;

/**
 * One encoded row as {@link RowFormat} lays it out. The encoder fills one instance for every row of
 * a file: a sink copies what it keeps.
 */
final class EncodedRow {
  final int[] categorical;
  final float[] numeric;
  /** Every sequence's ids in layout order, each left-aligned in its window and padded with 0. */
  final int[] sequences;
  float label;

  EncodedRow(int[] categorical, float[] numeric, int[] sequences) {
    this.categorical = categorical;
    this.numeric = numeric;
    this.sequences = sequences;
  }

  /** Appends the row at {@code out}'s position, as a shard stores it ({@code out} is little-endian). */
  void writeTo(ByteBuffer out) {
    out.putFloat(label);
    for (int id : categorical) {
      out.putInt(id);
    }
    for (float value : numeric) {
      out.putFloat(value);
    }
    for (int id : sequences) {
      out.putInt(id);
    }
  }
}
