package io.dlf.dsl.plan;

import java.util.List;

/**
 * One block of a model summary: its path, what it is, its per-sample output shape and its
 * parameters (-1 where vocabulary sizes are needed and were not given).
 *
 * @param embedding the parameters are embedding-table rows (regularized by embedding_l2)
 */
public record SummaryRow(String path, String block, List<Integer> outputShape, long parameters, boolean embedding) {

  public SummaryRow {
    outputShape = List.copyOf(outputShape);
  }

  /** A row of non-embedding parameters. */
  public SummaryRow(String path, String block, List<Integer> outputShape, long parameters) {
    this(path, block, outputShape, parameters, false);
  }
}
