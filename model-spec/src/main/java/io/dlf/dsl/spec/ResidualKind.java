package io.dlf.dsl.spec;

/** The skip path from a layer's input to its output, before the LayerNorm. */
public enum ResidualKind {
  /** LN(Z + G * P(E)): learnable element-wise gate (paper eq. 9). */
  ELEMENTWISE_GATE,
  /** LN(Z + P(E)): projection of tokens only where the counts differ (released code). */
  TOKEN_PROJ,
  /** LN(Z): no skip connection. */
  NONE
}
