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
 * The fusion of a layer's block outputs {@code Z_b} (dim-major {@code [B, D, n_b]}) into the
 * layer's dim-major tokens.
 */
final class Fusions {
  private Fusions() {}

  static Operand<TFloat32> fuse(Layers at, Fusion fusion, StreamPlan stream, List<Operand<TFloat32>> blocks, int dim) {
    Ops tf = at.tf();
    int total = stream.blockTokens();
    return switch (fusion.kind()) {
      case CONCAT -> Tokens.concat(tf, blocks);
      case MLP -> {
        long width = (long) total * dim;
        Operand<TFloat32> flat = tf.reshape(Tokens.concat(tf, blocks), tf.constant(new long[] {-1, width}));
        Operand<TFloat32> out = at.mlp("mlp", flat, width, fusion.mlp(), width);
        yield tf.reshape(out, tf.constant(new long[] {-1, dim, total}));
      }
      case GATE_POOL -> gatePool(at, stream, blocks, dim);
      case ATTN_POOL -> attentionPool(at, Tokens.concat(tf, blocks), total, dim);
      case NAF -> NetworkAwareFusion.fuse(at, fusion, stream, blocks, dim);
    };
  }

  /**
   * {@code g = softmax(W [mean(Z_1); ...; mean(Z_k)] + b)}; output {@code sum_b g_b * (A_b * Z_b)},
   * each block first aligned to the N output tokens by a token projection A_b.
   */
  private static Operand<TFloat32> gatePool(Layers at, StreamPlan stream, List<Operand<TFloat32>> blocks, int dim) {
    Ops tf = at.tf();
    int k = blocks.size();
    int total = stream.blockTokens();
    List<Operand<TFloat32>> means = new ArrayList<>();
    for (Operand<TFloat32> z : blocks) {
      means.add(tf.math.mean(z, tf.constant(new int[] {2})));
    }
    Operand<TFloat32> summary = means.size() == 1 ? means.get(0) : tf.concat(means, tf.constant(1));
    Operand<TFloat32> gates = tf.nn.softmax(at.dense("gate", summary, (long) k * dim, k));
    Operand<TFloat32> out = null;
    for (int b = 0; b < k; b++) {
      BlockPlan block = stream.blocks().get(b);
      Operand<TFloat32> aligned = at.tokenMix("align_" + block.role().pathName(), blocks.get(b), dim,
          block.outputTokens(), total, Initializer.kaimingUniform());
      Operand<TFloat32> gate = tf.reshape(tf.gather(gates, tf.constant(b), tf.constant(1)), tf.constant(new long[] {-1, 1, 1}));
      Operand<TFloat32> term = tf.math.mul(aligned, gate);
      out = out == null ? term : tf.math.add(out, term);
    }
    return out;
  }

  /** N learnable queries attend over all block tokens (scaled dot product, no projections). */
  private static Operand<TFloat32> attentionPool(Layers at, Operand<TFloat32> tokens, int total, int dim) {
    Ops tf = at.tf();
    Operand<TFloat32> queries = at.weight("queries", Shape.of(total, dim), Initializer.normal(1f));
    Operand<TFloat32> scores = tf.math.mul(tf.linalg.einsum(List.of(tf.identity(queries), tokens), "qd,bdn->bqn"),
        tf.constant((float) (1 / Math.sqrt(dim))));
    Operand<TFloat32> weights = at.dropout(tf.nn.softmax(scores));
    return tf.train.batchMatMul(tokens, weights, TFloat32.class, BatchMatMul.adjY(true));
  }
}
