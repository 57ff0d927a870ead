package io.dlf.dsl.compile;

import java.util.List;
import java.util.Optional;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Min;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * MGDIN's deferred masks ({@link io.dlf.dsl.spec.MaskSchedule}): for layer l of L (from 1), an
 * additive logit mask, 0 where a key is visible and {@link Attention#MASKED} where it is deferred;
 * empty when every key is visible.
 */
final class DeferredMask {
  private DeferredMask() {}

  /** Group level: the {@code ceil(l / L * M)} best-ranked groups are keys, a constant {@code [1, 1, M]}. */
  static Optional<Operand<TFloat32>> groups(Ops tf, List<Integer> ranking, int layer, int layers) {
    int m = ranking.size();
    int visible = (layer * m + layers - 1) / layers;
    if (visible >= m) {
      return Optional.empty();
    }
    float[] mask = new float[m];
    for (int r = visible; r < m; r++) {
      mask[ranking.get(r)] = Attention.MASKED;
    }
    return Optional.of(tf.reshape(tf.constant(mask), tf.constant(new long[] {1, 1, m})));
  }

  /**
   * Pair level: per sample, the {@code floor(l / L * M^2)} highest scores of {@code a0 [B, M, M]} (ties
   * at the threshold all kept) and the diagonal are visible, {@code [B, M, M]}. The ranking is not
   * differentiated: the scores pass a stop-gradient, and TopK has no gradient anyway.
   */
  static Optional<Operand<TFloat32>> pairs(Ops tf, Operand<TFloat32> a0, int groups, int layer, int layers) {
    int pairs = groups * groups;
    int kept = layer * pairs / layers;
    if (kept >= pairs) {
      return Optional.empty();
    }
    Operand<TBool> visible = tf.constant(identity(groups));
    if (kept > 0) {
      Operand<TFloat32> flat = tf.reshape(tf.stopGradient(a0), tf.constant(new long[] {-1, pairs}));
      Operand<TFloat32> top = tf.nn.topK(flat, tf.constant(kept), TInt32.class).values();
      Operand<TFloat32> threshold = tf.min(top, tf.constant(1), Min.keepDims(true));
      Operand<TBool> high = tf.reshape(tf.math.greaterEqual(flat, threshold), tf.constant(new long[] {-1, groups, groups}));
      visible = tf.math.logicalOr(high, visible);
    } else {
      visible = tf.reshape(visible, tf.constant(new long[] {1, groups, groups}));
    }
    return Optional.of(tf.select(visible, tf.constant(0f), tf.constant(Attention.MASKED)));
  }

  private static boolean[][] identity(int n) {
    boolean[][] eye = new boolean[n][n];
    for (int i = 0; i < n; i++) {
      eye[i][i] = true;
    }
    return eye;
  }
}
