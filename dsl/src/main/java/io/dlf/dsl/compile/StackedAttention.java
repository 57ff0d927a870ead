package io.dlf.dsl.compile;

import io.dlf.dsl.plan.BlockPlan;
import io.dlf.dsl.plan.StreamPlan;
import io.dlf.dsl.spec.Fusion;
import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.train.BatchMatMul;
import org.tensorflow.types.TFloat32;

/**
 * NAF over k stacked blocks. Tensors inside are block-major, {@code [k, B*n, width]}, so each
 * block's own projection is one slice of a batched product over k; attention runs on
 * {@code [B, k, h, n, dh]}, the k x k block pairs broadcast in a single batched product. Blocks
 * with fewer tokens than the largest are padded with zero tokens; padded keys get a large negative
 * score and padded queries are dropped at the end.
 */
final class StackedAttention {
  private static final float MASKED = -1e9f;

  private final Layers at;
  private final Fusion fusion;
  private final StreamPlan stream;
  private final int dim;
  private final int k;
  private final int n;
  private final int heads;
  private final int da;
  private final Ops tf;

  StackedAttention(Layers at, Fusion fusion, StreamPlan stream, int dim) {
    this.at = at;
    this.fusion = fusion;
    this.stream = stream;
    this.dim = dim;
    this.k = stream.blocks().size();
    this.n = stream.blocks().stream().mapToInt(BlockPlan::outputTokens).max().orElseThrow();
    this.heads = fusion.heads();
    this.da = fusion.attentionDim();
    this.tf = at.tf();
  }

  /** Dim-major block outputs {@code [B, D, n_b]} to the dim-major fused tokens. */
  Operand<TFloat32> fuse(List<Operand<TFloat32>> blocks) {
    Operand<TFloat32> original = stack(blocks);
    Operand<TFloat32> h = original;
    for (int s = 0; s < fusion.sublayers(); s++) {
      h = sublayer("s" + s, h);
    }
    List<Operand<TFloat32>> out = new ArrayList<>(unstack(h));
    if (fusion.keepBlockOutputs()) {
      out.addAll(blocks);
    }
    return Tokens.concat(tf, out);
  }

  /** {@code [k, B*n, D]}: each block token-major and padded to n tokens. */
  private Operand<TFloat32> stack(List<Operand<TFloat32>> blocks) {
    List<Operand<TFloat32>> padded = new ArrayList<>();
    for (int b = 0; b < k; b++) {
      Operand<TFloat32> z = blocks.get(b);
      int tokens = stream.blocks().get(b).outputTokens();
      if (tokens < n) {
        z = tf.pad(z, tf.constant(new int[][] {{0, 0}, {0, 0}, {0, n - tokens}}), tf.constant(0f));
      }
      padded.add(tf.reshape(Tokens.tokenMajor(tf, z), tf.constant(new long[] {-1, dim})));
    }
    return tf.stack(padded);
  }

  /** Block b's real tokens, dim-major {@code [B, D, n_b]}. */
  private List<Operand<TFloat32>> unstack(Operand<TFloat32> stacked) {
    List<Operand<TFloat32>> out = new ArrayList<>();
    List<org.tensorflow.Output<TFloat32>> parts = tf.unstack(stacked, (long) k).output();
    for (int b = 0; b < k; b++) {
      Operand<TFloat32> tokens = tf.reshape(parts.get(b), tf.constant(new long[] {-1, n, dim}));
      int real = stream.blocks().get(b).outputTokens();
      if (real < n) {
        tokens = tf.slice(tokens, tf.constant(new int[] {0, 0, 0}), tf.constant(new int[] {-1, real, -1}));
      }
      out.add(Tokens.dimMajor(tf, tokens));
    }
    return out;
  }

  private Operand<TFloat32> sublayer(String name, Operand<TFloat32> h) {
    Operand<TFloat32> q = toHeads(project(name + ".q", h, dim, da, false));
    Operand<TFloat32> key = toHeads(project(name + ".k", h, dim, da, false));
    Operand<TFloat32> v = toHeads(project(name + ".v", h, dim, da, false));
    // scores [B, k(i), k(j), h, n, m]: queries of every block against keys of every block
    Operand<TFloat32> scores = tf.math.mul(
        tf.train.batchMatMul(tf.expandDims(q, tf.constant(2)), tf.expandDims(key, tf.constant(1)), TFloat32.class,
            BatchMatMul.adjY(true)),
        tf.constant((float) (1 / Math.sqrt((double) da / heads))));
    if (stream.blocks().stream().anyMatch(b -> b.outputTokens() < n)) {
      scores = tf.math.add(scores, keyMask());
    }
    // softmax over keys; flattened to 2-D because CPU softmax kernels take at most 5 dimensions
    Operand<TFloat32> weights = at.dropout(tf.reshape(
        tf.nn.softmax(tf.reshape(scores, tf.constant(new long[] {-1, n}))), tf.shape(scores)));
    // outputs [B, k(i), k(j), h, n, dh] -> [k(i), k(j), B*n, da]
    Operand<TFloat32> outputs = tf.train.batchMatMul(weights, tf.expandDims(v, tf.constant(1)), TFloat32.class);
    Operand<TFloat32> byPair = tf.reshape(
        tf.linalg.transpose(outputs, tf.constant(new int[] {1, 2, 0, 4, 3, 5})),
        tf.constant(new long[] {k, k, -1, da}));
    Operand<TFloat32> self = pick(byPair, diagonal());
    Operand<TFloat32> cross = pick(byPair, offDiagonal());
    Operand<TFloat32> crossMerged = project(name + ".cross", cross, (long) (k - 1) * da, dim, true);
    Operand<TFloat32> joined = tf.concat(List.of(crossMerged, self), tf.constant(-1));
    return at.dropout(project(name + ".fuse", joined, (long) dim + da, dim, true));
  }

  /** Per-block dense layer on block-major tokens: {@code [k, B*n, in] -> [k, B*n, out]}, block b with its own kernel. */
  private Operand<TFloat32> project(String local, Operand<TFloat32> x, long in, long out, boolean bias) {
    Operand<TFloat32> kernel = tf.identity(at.weight(local + ".w", Shape.of(k, in, out), Initializer.xavierNormal()));
    Operand<TFloat32> y = tf.train.batchMatMul(x, kernel, TFloat32.class);
    if (!bias) {
      return y;
    }
    Operand<TFloat32> b = at.weight(local + ".b", Shape.of(k, 1, out), Initializer.zeros());
    return tf.math.add(y, b);
  }

  /** {@code [k, B*n, da] -> [B, k, h, n, dh]}. */
  private Operand<TFloat32> toHeads(Operand<TFloat32> x) {
    Operand<TFloat32> split = tf.reshape(x, tf.constant(new long[] {k, -1, n, heads, da / heads}));
    return tf.linalg.transpose(split, tf.constant(new int[] {1, 0, 3, 2, 4}));
  }

  /** For each block i, the pair outputs {@code indices[i]} concatenated: {@code [k, B*n, |indices[i]| * da]}. */
  private Operand<TFloat32> pick(Operand<TFloat32> byPair, int[][] indices) {
    Operand<TFloat32> picked = tf.gather(byPair, tf.constant(indices), tf.constant(1), org.tensorflow.op.core.Gather.batchDims(1L));
    Operand<TFloat32> moved = tf.linalg.transpose(picked, tf.constant(new int[] {0, 2, 1, 3}));
    return tf.reshape(moved, tf.constant(new long[] {k, -1, (long) indices[0].length * da}));
  }

  private int[][] diagonal() {
    int[][] out = new int[k][1];
    for (int i = 0; i < k; i++) {
      out[i][0] = i;
    }
    return out;
  }

  private int[][] offDiagonal() {
    int[][] out = new int[k][k - 1];
    for (int i = 0; i < k; i++) {
      int c = 0;
      for (int j = 0; j < k; j++) {
        if (j != i) {
          out[i][c++] = j;
        }
      }
    }
    return out;
  }

  /** {@code [k(j), 1, 1, m]} as broadcast against the scores: 0 for real keys, a large negative for padding. */
  private Operand<TFloat32> keyMask() {
    float[][][][] mask = new float[k][1][1][n];
    for (int j = 0; j < k; j++) {
      for (int m = stream.blocks().get(j).outputTokens(); m < n; m++) {
        mask[j][0][0][m] = MASKED;
      }
    }
    return tf.constant(mask);
  }
}
