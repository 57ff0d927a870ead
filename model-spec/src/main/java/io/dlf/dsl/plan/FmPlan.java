package io.dlf.dsl.plan;

import java.util.List;

/**
 * FM with resolved shapes. Its first-order and pairwise terms are added to the logit directly, so
 * the head reads nothing ({@code [0]}) and is only the global bias.
 */
public record FmPlan(int fields, int dim) implements BackbonePlan {

  @Override
  public List<Integer> outputShape() {
    return List.of(0);
  }

  @Override
  public boolean firstOrder() {
    return true;
  }

  @Override
  public List<SummaryRow> rows() {
    return List.of(new SummaryRow("fm.pairwise", "pairwise inner products", List.of(1), 0));
  }

  @Override
  public <R> R accept(BackbonePlanVisitor<R> visitor) {
    return visitor.visitFm(this);
  }
}
