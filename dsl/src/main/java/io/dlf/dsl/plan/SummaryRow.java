package io.dlf.dsl.plan;

import java.util.List;

/** One block of a model summary: its path, what it is, its per-sample output shape and its parameters. */
public record SummaryRow(String path, String block, List<Integer> outputShape, long parameters) {

  public SummaryRow {
    outputShape = List.copyOf(outputShape);
  }
}
