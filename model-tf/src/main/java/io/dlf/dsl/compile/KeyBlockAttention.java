package io.dlf.dsl.compile;

import java.util.Optional;
import java.util.function.UnaryOperator;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.train.BatchMatMul;
import org.tensorflow.types.TFloat32;

/**
 * Attention of every query token over each key block apart: the result holds, per key block j,
 * {@code softmax over j's keys} times j's values. This is NAF's k x k block attentions (cross and
 * self) in a constant number of ops. Public so that bench's {@code AttentionCost} can time it alone.
 */
public final class KeyBlockAttention {
  private KeyBlockAttention() {}

  /**
   * {@code [B, heads, k, N, d_h]} from head-major queries, keys and values {@code [B, heads, N, d_h]},
   * where the N tokens are k blocks of N / k in order and the logits are {@code Q K^T} (queries come
   * scaled). Keys and values are split into {@code [B, heads, k, N / k, d_h]}, and every query meets
   * each block in one broadcast product, so each block's softmax is over its own logits. The key
   * mask, broadcast to {@code [k, 1, N / k]}, is added to the logits: 0 for a key that counts,
   * {@link Attention#MASKED} for one that does not. {@code dropout} applies to the attention weights.
   */
  public static Operand<TFloat32> attend(Ops tf, UnaryOperator<Operand<TFloat32>> dropout, Operand<TFloat32> queries,
      Operand<TFloat32> keys, Operand<TFloat32> values, int blocks, Optional<Operand<TFloat32>> keyMask) {
    long[] byBlock = {-1, queries.shape().get(1), blocks, queries.shape().get(2) / blocks, queries.shape().get(3)};
    Operand<TFloat32> logits = tf.train.batchMatMul(tf.expandDims(queries, tf.constant(2)),
        tf.reshape(keys, tf.constant(byBlock)), TFloat32.class, BatchMatMul.adjY(true));
    Operand<TFloat32> masked = keyMask.isPresent() ? tf.math.add(logits, keyMask.get()) : logits;
    return tf.train.batchMatMul(dropout.apply(tf.nn.softmax(masked)), tf.reshape(values, tf.constant(byBlock)),
        TFloat32.class);
  }
}
