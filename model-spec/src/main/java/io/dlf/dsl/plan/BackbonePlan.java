package io.dlf.dsl.plan;

import java.util.List;
import java.util.Map;

/** A backbone with resolved shapes: what it outputs and what its blocks cost. */
public sealed interface BackbonePlan permits DlfPlan, FmPlan, DeepFmPlan, DcnV2Plan, FinalMlpPlan,
    MgdinPlan, InterFormerPlan {

  /** Per-sample shape of the backbone output, which the head flattens; {@code [0]} when the head reads nothing. */
  List<Integer> outputShape();

  /** The backbone adds FM's first-order term (a learned scalar per feature value) to the logit. */
  default boolean firstOrder() {
    return false;
  }

  /**
   * Embedding tables of the backbone's own beside the model's, by block path: the vocabulary owners
   * whose rows each one repeats, in order (so it holds as many rows as their tables together).
   */
  default Map<String, List<String>> ownTables() {
    return Map.of();
  }

  /** One summary row per block, in execution order. */
  List<SummaryRow> rows();

  <R> R accept(BackbonePlanVisitor<R> visitor);

  default int outputWidth() {
    return outputShape().stream().reduce(1, Math::multiplyExact);
  }
}
