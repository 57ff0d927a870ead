package io.dlf.dsl.compile;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.train.BatchMatMul;
import org.tensorflow.types.TFloat32;

/**
 * Scaled dot-product attention over token-major tensors {@code [B, n, d]}, one head at a time (a list
 * of per-head slices), so no head transposes are needed and softmax stays at three dims.
 */
final class Attention {
  /** Added to the logit of a masked key: its softmax weight underflows to exactly zero. */
  static final float MASKED = -1e9f;

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
