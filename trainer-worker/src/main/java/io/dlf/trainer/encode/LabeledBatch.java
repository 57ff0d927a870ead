package io.dlf.trainer.encode;

import io.dlf.dsl.encode.EncodedBatch;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** A batch's inputs and its rows' labels. */
public record LabeledBatch(EncodedBatch inputs, float[] labels) {

  /**
   * The batch in {@code parts} consecutive parts of {@link #partRows} rows; a part is empty when the
   * batch has fewer rows than parts.
   */
  public List<LabeledBatch> split(int parts) {
    if (parts == 1) {
      return List.of(this);
    }
    List<LabeledBatch> out = new ArrayList<>(parts);
    int from = 0;
    for (int rows : partRows(labels.length, parts)) {
      out.add(new LabeledBatch(inputs.rows(from, from + rows), Arrays.copyOfRange(labels, from, from + rows)));
      from += rows;
    }
    return out;
  }

  /** {@code rows} shared out in {@code parts} as evenly as possible, the first parts one row larger. */
  public static int[] partRows(int rows, int parts) {
    if (parts < 1) {
      throw new IllegalArgumentException("a batch splits into at least one part, got " + parts);
    }
    int[] out = new int[parts];
    for (int p = 0; p < parts; p++) {
      out[p] = rows / parts + (p < rows % parts ? 1 : 0);
    }
    return out;
  }
}
