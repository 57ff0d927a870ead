package io.dlf.dsl.spec;

/** How a raw feature value becomes a field token. */
public enum FeatureKind {
  /** One token from a vocabulary; the value is looked up in an embedding table. */
  CATEGORICAL,
  /** A real number that scales a learned D-vector. */
  NUMERIC,
  /** A list of tokens, embedded and pooled (masked over padding) into one vector. */
  SEQUENCE
}
