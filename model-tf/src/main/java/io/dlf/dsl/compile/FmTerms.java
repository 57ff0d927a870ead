package io.dlf.dsl.compile;

import io.dlf.dsl.spec.Embedding;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/** FM's contribution to the logit: the first-order weights and the pairwise inner products, summed. */
final class FmTerms {
  private FmTerms() {}

  /**
   * {@code [B]}: {@code sum_i w(x_i) + sum_{i<j} <e_i, e_j>}, with the first-order tables at
   * {@code <path>.first_order}.
   */
  static Operand<TFloat32> logit(Layers tower, String path, FieldLayout layout, Embedding spec,
      EncodedInputs inputs, Operand<TFloat32> e1) {
    Layers at = tower.at(path + ".first_order");
    Ops tf = at.tf();
    Operand<TFloat32> firstOrder = EmbeddingLayer.firstOrder(at, layout, spec, inputs);
    return tf.math.add(tf.sum(firstOrder, tf.constant(new int[] {1, 2})), pairwise(tf, e1));
  }

  /**
   * {@code [B, F, D] -> [B]}: {@code sum_{i<j} <e_i, e_j> = ((sum_i e_i)^2 - sum_i e_i^2) / 2}, summed
   * over D, in O(F D) instead of O(F^2 D).
   */
  static Operand<TFloat32> pairwise(Ops tf, Operand<TFloat32> e1) {
    Operand<TInt32> fieldAxis = tf.constant(new int[] {1});
    Operand<TFloat32> sumSquared = tf.math.square(tf.sum(e1, fieldAxis));
    Operand<TFloat32> squaredSum = tf.sum(tf.math.square(e1), fieldAxis);
    return tf.math.mul(tf.sum(tf.math.sub(sumSquared, squaredSum), tf.constant(new int[] {1})), tf.constant(0.5f));
  }
}
