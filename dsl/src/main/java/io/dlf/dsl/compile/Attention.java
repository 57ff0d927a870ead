package io.dlf.dsl.compile;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.train.BatchMatMul;
import org.tensorflow.types.TFloat32;

/**
 * Scaled dot-product attention over token-major tensors {@code [B, n, d]}, in two layouts: one head
 * at a time (a list of per-head slices, softmax at three dims, no transposes), or every head in one
 * head-major tensor {@code [B, h, n, d/h]}, which costs two transposes but runs each attention as
 * three ops whatever the number of heads: the layout for a fusion with many attentions per layer,
 * where batch-1 inference is bound by the number of ops, not by their size.
 */
final class Attention {
  /** Added to the logit of a masked key: its softmax weight underflows to exactly zero. */
  static final float MASKED = -1e9f;
  /** Swaps the token and head axes of a rank-4 tensor (its own inverse). */
  private static final int[] HEAD_SWAP = {0, 2, 1, 3};

  private Attention() {}

  /** {@code Q K^T * scale} per head: {@code [B, q, k]} each. */
  static List<Operand<TFloat32>> logits(Ops tf, List<Operand<TFloat32>> q, List<Operand<TFloat32>> k, float scale) {
    List<Operand<TFloat32>> out = new ArrayList<>();
    for (int h = 0; h < q.size(); h++) {
      out.add(tf.math.mul(tf.train.batchMatMul(q.get(h), k.get(h), TFloat32.class, BatchMatMul.adjY(true)),
          tf.constant(scale)));
    }
    return out;
  }

  /**
   * {@code softmax(logits + mask) V} per head, heads merged on the last axis. The mask broadcasts to
   * {@code [B, q, k]}: 0 for a visible key, {@link #MASKED} for a hidden one.
   */
  static Operand<TFloat32> weighted(Layers at, List<Operand<TFloat32>> logits, List<Operand<TFloat32>> v,
      Optional<Operand<TFloat32>> mask) {
    Ops tf = at.tf();
    List<Operand<TFloat32>> heads = new ArrayList<>();
    for (int h = 0; h < logits.size(); h++) {
      Operand<TFloat32> scores = mask.isPresent() ? tf.math.add(logits.get(h), mask.get()) : logits.get(h);
      heads.add(tf.train.batchMatMul(at.dropout(tf.nn.softmax(scores)), v.get(h), TFloat32.class));
    }
    return concatFeatures(tf, heads);
  }

  /** Multi-head {@code softmax(Q K^T) V} on head-major tensors (the scale already in Q). */
  static Operand<TFloat32> attendHeads(Layers at, Operand<TFloat32> q, Operand<TFloat32> k, Operand<TFloat32> v) {
    Ops tf = at.tf();
    Operand<TFloat32> logits = tf.train.batchMatMul(q, k, TFloat32.class, BatchMatMul.adjY(true));
    return tf.train.batchMatMul(at.dropout(tf.nn.softmax(logits)), v, TFloat32.class);
  }

  /** {@code [B, n, d]} to head-major {@code [B, heads, n, d/heads]}. */
  static Operand<TFloat32> toHeads(Ops tf, Operand<TFloat32> x, long n, long d, int heads) {
    Operand<TFloat32> split = tf.reshape(x, tf.constant(new long[] {-1, n, heads, d / heads}));
    return tf.linalg.transpose(split, tf.constant(HEAD_SWAP));
  }

  /** Head-major {@code [B, heads, n, e]} back to {@code [B, n, heads * e]}, heads merged in order. */
  static Operand<TFloat32> fromHeads(Ops tf, Operand<TFloat32> x, long n, long width) {
    return tf.reshape(tf.linalg.transpose(x, tf.constant(HEAD_SWAP)), tf.constant(new long[] {-1, n, width}));
  }

  /** {@code [B, n, d]} to {@code heads} slices {@code [B, n, d/heads]}. */
  static List<Operand<TFloat32>> splitHeads(Ops tf, Operand<TFloat32> x, int heads) {
    if (heads == 1) {
      return List.of(x);
    }
    return new ArrayList<>(tf.split(tf.constant(-1), x, (long) heads).output());
  }

  static Operand<TFloat32> concatFeatures(Ops tf, List<Operand<TFloat32>> parts) {
    return parts.size() == 1 ? parts.get(0) : tf.concat(parts, tf.constant(-1));
  }
}
