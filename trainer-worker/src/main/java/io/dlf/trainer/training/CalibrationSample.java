package io.dlf.trainer.training;

import io.dlf.dsl.export.CalibrationRows;
import io.dlf.trainer.encode.BatchStream;
import io.dlf.trainer.encode.LabeledBatch;
import io.dlf.trainer.encode.PreparedData;

/** The training rows an int8 export calibrates its activation ranges on: a shuffled sample. */
public final class CalibrationSample {
  /** Enough rows for the ranges to settle, few enough to run through a large model in seconds. */
  public static final int ROWS = 4_096;

  private CalibrationSample() {}

  /** Up to {@link #ROWS} training rows, drawn as the first batch of a shuffled epoch for {@code seed}. */
  public static CalibrationRows of(PreparedData data, long seed) {
    int rows = (int) Math.min(ROWS, data.train().size());
    if (rows == 0) {
      return CalibrationRows.NONE;
    }
    try (BatchStream batches = data.train().epoch(seed, 1, rows, 0)) {
      LabeledBatch first = batches.next();
      return first == null ? CalibrationRows.NONE : new CalibrationRows(first.inputs());
    }
  }
}
