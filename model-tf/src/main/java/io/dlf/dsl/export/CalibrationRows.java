package io.dlf.dsl.export;

import static java.util.Objects.requireNonNull;

import io.dlf.dsl.encode.EncodedBatch;
import java.util.Map;

/**
 * Examples an int8 export runs through its float32 graph to fix the input range of each product it
 * quantizes. Training rows: the ranges then come from the data the version learnt on, and a served
 * request's score does not depend on the requests batched with it (ranges measured per call would
 * make it, and would also make oneDNN build a new product primitive for every call).
 *
 * @param rows the examples, encoded as the graph takes them
 */
public record CalibrationRows(EncodedBatch rows) {
  /** No rows: what every precision but int8 needs. */
  public static final CalibrationRows NONE = new CalibrationRows(new EncodedBatch(0, new int[0], new float[0], Map.of()));

  public CalibrationRows {
    requireNonNull(rows, "rows is null");
  }

  public boolean isEmpty() {
    return rows.size() == 0;
  }
}
