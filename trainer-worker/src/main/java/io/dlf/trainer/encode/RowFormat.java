package io.dlf.trainer.encode;

import io.dlf.dsl.compile.FieldLayout;
import io.dlf.dsl.spec.Feature;
import java.util.List;

/**
 * The fixed width of one encoded row as a layout groups it: the label, the categorical ids, the
 * numeric values and each sequence's ids, 4 bytes each.
 *
 * @param sequences the sequence features in layout order, each {@code maxLength} ids wide
 */
public record RowFormat(int categoricalWidth, int numericWidth, List<Feature> sequences) {

  public RowFormat {
    sequences = List.copyOf(sequences);
  }

  public static RowFormat of(FieldLayout layout) {
    return new RowFormat(layout.categorical().size(), layout.numeric().size(), layout.sequences());
  }

  /** All sequences' ids together. */
  public int sequenceWidth() {
    return sequences.stream().mapToInt(Feature::maxLength).sum();
  }

  /** Label, ids and values: 4 bytes each. */
  public int rowBytes() {
    return Integer.BYTES * (1 + categoricalWidth + numericWidth + sequenceWidth());
  }

  public EncodedRow newRow() {
    return new EncodedRow(new int[categoricalWidth], new float[numericWidth], new int[sequenceWidth()]);
  }
}
