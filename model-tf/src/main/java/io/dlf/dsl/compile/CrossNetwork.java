package io.dlf.dsl.compile;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** DCNv2's cross network: {@code x_{l+1} = x0 * (W_l x_l + b_l) + x_l} with full-rank W_l, width kept. */
final class CrossNetwork {
  private CrossNetwork() {}

  /** {@code x0 [B, width] -> [B, width]} after {@code layers} cross layers named {@code layer_<l>}. */
  static Operand<TFloat32> build(Layers at, Operand<TFloat32> x0, long width, int layers) {
    Ops tf = at.tf();
    Operand<TFloat32> x = x0;
    for (int l = 0; l < layers; l++) {
      x = tf.math.add(tf.math.mul(x0, at.dense("layer_" + l, x, width, width)), x);
    }
    return x;
  }
}
