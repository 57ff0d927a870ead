package io.dlf.dsl.spec;

/** How the block outputs of a DLF layer become the layer's tokens. */
public enum FusionKind {
  /** Network-aware attention fusion: cross-attention between blocks plus self-attention within. */
  NAF,
  /** Token concatenation, as in the released code. */
  CONCAT,
  /** An MLP over the flattened concatenation, reshaped back to tokens. */
  MLP,
  /** A softmax gate over the blocks, from their mean tokens. */
  GATE_POOL,
  /** Learnable queries attending over all block tokens. */
  ATTN_POOL
}
