package io.dlf.dsl.spec;

/**
 * The Gating of InterFormer's Cross Arch (dlf-model-reference §14.2 item 1), with a per-token
 * dense layer {@code MLP(X) = X W + b} of the model width.
 */
public enum SummaryGate {
  /** The conventional self-gate {@code X ⊙ σ(MLP(X))}, as third-party implementations use ([RECON]). */
  SELF,
  /** The formula as printed in the paper's v4, {@code σ(X ⊙ MLP(X))} ([PAPER], likely a typo). */
  PRINTED
}
