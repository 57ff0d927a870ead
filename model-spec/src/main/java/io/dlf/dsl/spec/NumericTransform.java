package io.dlf.dsl.spec;

/**
 * The transform applied to a numeric feature's raw value: one that scales the feature's learned
 * vector, or one that turns the value into a category token with its own embedding row.
 */
public enum NumericTransform {
  IDENTITY,
  /** sign(x) * log(1 + |x|), for heavy-tailed counts. */
  LOG1P,
  /**
   * Criteo's integer features as FuxiCTR prepares them: a value x above 2 becomes the category
   * floor(ln(x)^2), any other value the category of its integer part, and a missing value a
   * category of its own. The feature then has a vocabulary of these categories, like a categorical
   * one; serving still takes the raw number. The rule is {@link io.dlf.dsl.encode.NumericBuckets}.
   */
  CRITEO_LOG_SQUARED_BUCKET;

  /** Whether the transform makes a category of each value instead of scaling a vector. */
  public boolean bucketizes() {
    return this == CRITEO_LOG_SQUARED_BUCKET;
  }
}
