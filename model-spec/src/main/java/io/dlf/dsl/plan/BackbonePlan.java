package io.dlf.dsl.plan;

import java.util.List;

/** A backbone with resolved shapes: what it outputs and what its blocks cost. */
public sealed interface BackbonePlan permits DlfPlan, FmPlan, DeepFmPlan, DcnV2Plan, FinalMlpPlan,
    MgdinPlan, InterFormerPlan {

  /** Per-sample shape of the backbone output, which the head flattens; {@code [0]} when the head reads nothing. */
  List<Integer> outputShape();

  /** The backbone adds FM's first-order term (a learned scalar per feature value) to the logit. */
  default boolean firstOrder() {
    return false;
  }

  /** One summary row per block, in execution order. */
  List<SummaryRow> rows();

  <R> R accept(BackbonePlanVisitor<R> visitor);

  default int outputWidth() {
    return outputShape().stream().reduce(1, Math::multiplyExact);
  }
}
