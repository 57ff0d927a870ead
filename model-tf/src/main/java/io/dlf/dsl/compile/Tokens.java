package io.dlf.dsl.compile;

import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** Layout conversions of token tensors: token-major {@code [B, n, D]} and dim-major {@code [B, D, n]}. */
final class Tokens {
  private static final int[] SWAP_LAST_TWO = {0, 2, 1};

  private Tokens() {}

  static Operand<TFloat32> dimMajor(Ops tf, Operand<TFloat32> tokenMajor) {
    return tf.linalg.transpose(tokenMajor, tf.constant(SWAP_LAST_TWO));
  }

  /** Concatenates dim-major token sets along the token axis. */
  static Operand<TFloat32> concat(Ops tf, List<Operand<TFloat32>> dimMajor) {
    return dimMajor.size() == 1 ? dimMajor.get(0) : tf.concat(dimMajor, tf.constant(2));
  }
}
