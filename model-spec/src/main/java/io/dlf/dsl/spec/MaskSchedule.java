package io.dlf.dsl.spec;

/**
 * Which keys MGDIN's attention sees at layer l of L (dlf-model-reference §13.3 step 3). Masked keys
 * get a large negative logit, so their softmax weight is zero; every group keeps its query and
 * residual path, so a deferred group keeps its own representation until it is unmasked.
 */
public enum MaskSchedule {
  /**
   * Group level, static ([RECON]): groups ranked by information ({@link FieldOrdering}); layer l
   * sees the ceil(l / L * M) most informative groups as keys and values, all of them at layer L.
   */
  GROUP,
  /**
   * Pair level, learned ([HINT]): the first layer's attention logits A0 (mean over heads, without
   * gradient through the ranking) rank each sample's M^2 group pairs; layer l keeps the
   * floor(l / L * M^2) highest, plus each group's pair with itself so no query is left without keys.
   */
  PAIR,
  /** No deferral: every layer sees every group (the ablation). */
  NONE
}
