package io.dlf.dsl.compile;

import io.dlf.dsl.encode.NumericBuckets;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TString;

/**
 * {@link NumericBuckets}' tokens in the graph, for an exported model that takes raw numbers: the
 * same double-precision arithmetic on the same float, printed as the same decimal integer, and ""
 * for a missing (NaN) or infinite value.
 */
final class NumericBucketOps {
  /** The lowest int64, exactly a double: Java's cast saturates there, TensorFlow's must be kept in range. */
  private static final double LOWEST = -0x1p63;

  private NumericBucketOps() {}

  /** The Criteo bucket token of each value of {@code raw}, any shape. */
  static Operand<TString> criteoTokens(Ops tf, Operand<TFloat32> raw) {
    Operand<TFloat64> x = tf.dtypes.cast(raw, TFloat64.class);
    Operand<TFloat64> log = tf.math.log(x);
    Operand<TFloat64> squared = tf.math.floor(tf.math.mul(log, log));
    Operand<TFloat64> small = tf.math.maximum(x, tf.constant(LOWEST));
    // Cast truncates toward zero, as Java's (long) does; the branch not taken may hold NaN and is dropped
    Operand<TInt64> bucket = tf.dtypes.cast(tf.select(tf.math.greater(x, tf.constant(2.0)), squared, small),
        TInt64.class);
    return tf.select(tf.math.isFinite(raw), tf.dtypes.asString(bucket), tf.fill(tf.shape(raw),
        tf.constant(NumericBuckets.MISSING)));
  }
}
