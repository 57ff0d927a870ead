package io.dlf.dsl.encode;

import io.dlf.dsl.spec.NumericTransform;

/**
 * The category token of a number under a bucketizing {@link NumericTransform}, computed in double
 * precision from the float the trainer reads and the server receives; the exported graph computes
 * the same token with TensorFlow ops (the compiler's NumericBucketOps), so both sides agree.
 */
public final class NumericBuckets {
  /** The token of a missing value (and of NaN and the infinities): no bucket prints as "". */
  public static final String MISSING = "";

  private NumericBuckets() {}

  /**
   * The token of {@code value}. {@link NumericTransform#CRITEO_LOG_SQUARED_BUCKET} follows
   * FuxiCTR's Criteo preprocessing ({@code convert_to_bucket} in reczoo/FuxiCTR
   * {@code fuxictr/datasets/criteo.py}): a value above 2 becomes floor(ln(x)^2), any other its
   * integer part (Python's {@code int}, toward zero). FuxiCTR fills missing values with 0 first;
   * here a missing value keeps a category of its own, as do NaN and the infinities, which
   * FuxiCTR's rule cannot bucket.
   */
  public static String token(NumericTransform transform, float value) {
    if (!transform.bucketizes()) {
      throw new IllegalArgumentException(transform + " does not make categories of numbers");
    }
    return Float.isFinite(value) ? Long.toString(criteoBucket(value)) : MISSING;
  }

  /** The bucket of a finite value. */
  static long criteoBucket(float value) {
    double x = value;
    if (x > 2) {
      double log = StrictMath.log(x);
      return (long) Math.floor(log * log);
    }
    return (long) x;
  }
}
