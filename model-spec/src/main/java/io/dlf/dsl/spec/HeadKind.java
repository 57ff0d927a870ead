package io.dlf.dsl.spec;

/** The prediction head on the flattened last-layer tokens. */
public enum HeadKind {
  /** One fully connected layer (paper eq. 16). */
  LINEAR,
  /** Hidden layers, then a linear output (released code). */
  MLP
}
