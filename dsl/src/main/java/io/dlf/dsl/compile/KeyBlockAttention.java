package io.dlf.dsl.compile;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.LongStream;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Stack;
import org.tensorflow.op.train.BatchMatMul;
import org.tensorflow.types.TFloat32;

/**
 * Attention of every query token over each key block apart, from one logit matrix over the tokens
 * of all blocks: the result holds, per key block j, {@code softmax over j's keys} times j's values.
 * This is NAF's k x k block attentions (cross and self) in a constant number of ops.
 */
final class KeyBlockAttention {
  private KeyBlockAttention() {}

  /**
   * {@code [B, heads, k, N, d_h]} from head-major queries, keys and values {@code [B, heads, N, d_h]},
   * where N is the sum of {@code tokens}, the blocks' sizes in order, and the logits are
   * {@code Q K^T * scale}. {@code dropout} applies to the attention weights.
   */
  static Operand<TFloat32> attend(Ops tf, UnaryOperator<Operand<TFloat32>> dropout, Operand<TFloat32> queries,
      Operand<TFloat32> keys, Operand<TFloat32> values, float scale, long[] tokens) {
    return LongStream.of(tokens).distinct().count() == 1 ? blockwise(tf, dropout, queries, keys, values, scale, tokens)
        : masked(tf, dropout, queries, keys, values, scale, tokens);
  }

  /**
   * Blocks of equal size n: keys and values split into {@code [B, heads, k, n, d_h]}, and every
   * query meets each block in one broadcast product, so each block's softmax is over its own logits.
   */
  static Operand<TFloat32> blockwise(Ops tf, UnaryOperator<Operand<TFloat32>> dropout, Operand<TFloat32> queries,
      Operand<TFloat32> keys, Operand<TFloat32> values, float scale, long[] tokens) {
    long[] byBlock = {-1, queries.shape().get(1), tokens.length, tokens[0], queries.shape().get(3)};
    Operand<TFloat32> logits = tf.train.batchMatMul(tf.expandDims(queries, tf.constant(2)),
        tf.reshape(keys, tf.constant(byBlock)), TFloat32.class, BatchMatMul.adjY(true));
    Operand<TFloat32> weights = dropout.apply(tf.nn.softmax(tf.math.mul(logits, tf.constant(scale))));
    return tf.train.batchMatMul(weights, tf.reshape(values, tf.constant(byBlock)), TFloat32.class);
  }

  /** Any sizes: block j's softmax runs over all keys with the other blocks' masked out, at k times the work. */
  static Operand<TFloat32> masked(Ops tf, UnaryOperator<Operand<TFloat32>> dropout, Operand<TFloat32> queries,
      Operand<TFloat32> keys, Operand<TFloat32> values, float scale, long[] tokens) {
    Operand<TFloat32> logits = tf.math.mul(tf.train.batchMatMul(queries, keys, TFloat32.class, BatchMatMul.adjY(true)),
        tf.constant(scale));
    List<Operand<TFloat32>> out = new ArrayList<>();
    for (int j = 0; j < tokens.length; j++) {
      Operand<TFloat32> weights = dropout.apply(tf.nn.softmax(tf.math.add(logits, tf.constant(keyMask(tokens, j)))));
      out.add(tf.train.batchMatMul(weights, values, TFloat32.class));
    }
    return tf.stack(out, Stack.axis(2L));
  }

  /** {@code [1, 1, 1, N]}: 0 for the keys of block j, {@link Attention#MASKED} for every other key. */
  private static float[][][][] keyMask(long[] tokens, int j) {
    float[] row = new float[(int) LongStream.of(tokens).sum()];
    Arrays.fill(row, Attention.MASKED);
    int start = (int) LongStream.of(tokens).limit(j).sum();
    Arrays.fill(row, start, start + (int) tokens[j], 0f);
    return new float[][][][] {{{row}}};
  }
}
