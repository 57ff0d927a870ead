package io.dlf.dsl.spec;

/**
 * How InterFormer's Interaction Arch mixes the non-sequence tokens X with the sequence summary
 * S_sum (dlf-model-reference §14.2 item 2). Either way the output keeps X's n tokens and is added to
 * X before a LayerNorm (residual and norm placement are [RECON]).
 */
public enum InteractionArch {
  /**
   * A post-norm transformer layer whose queries are the n X tokens and whose keys and values are
   * {@code [X ‖ S_sum]}; its FFN is {@code ffnMultiplier} times the width.
   */
  SELF_ATTENTION,
  /**
   * The paper's inner-product option: all pairwise dot products of {@code [X ‖ S_sum]} (an m x m
   * matrix) and the flattened X, through one dense layer with the activation back to n x D.
   */
  DOT
}
