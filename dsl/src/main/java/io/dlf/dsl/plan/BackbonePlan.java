package io.dlf.dsl.plan;

import java.util.List;

/** A backbone with resolved shapes: what it outputs and what its blocks cost. */
public sealed interface BackbonePlan permits DlfPlan {

  /** Per-sample shape of the backbone output, which the head flattens. */
  List<Integer> outputShape();

  /** One summary row per block, in execution order. */
  List<SummaryRow> rows();

  <R> R accept(BackbonePlanVisitor<R> visitor);

  default int outputWidth() {
    return outputShape().stream().reduce(1, Math::multiplyExact);
  }
}
