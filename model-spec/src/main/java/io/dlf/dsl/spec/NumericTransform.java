package io.dlf.dsl.spec;

/** The transform applied to a numeric feature's raw value before it scales its vector. */
public enum NumericTransform {
  IDENTITY,
  /** sign(x) * log(1 + |x|), for heavy-tailed counts. */
  LOG1P
}
