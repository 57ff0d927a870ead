package io.dlf.dsl.compile;

import io.dlf.dsl.plan.BlockPlan;
import io.dlf.dsl.plan.StreamPlan;
import io.dlf.dsl.spec.Fusion;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.tensorflow.Operand;
import org.tensorflow.Output;
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
      case NAF -> naf(at, fusion, stream, blocks, dim);
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

  /**
   * Network-aware attention fusion (paper eqs. 10-15, as reconstructed in dlf-model-reference
   * §5.1). Per sub-layer and block i: queries, keys and values of its own; cross-attention of
   * i's queries to every other block j, each with its own softmax, merged by W_C; self-attention
   * within i; both aggregated by W_F into {@code H_i}, which feeds the next sub-layer. The output
   * concatenates the fused blocks, then (optionally) the original block outputs.
   *
   * <p>The k x k block attentions of a sub-layer run as one ({@link KeyBlockAttention}): every
   * block's tokens are queries and keys of one logit matrix, normalised per key block. A sub-layer
   * is then a few dozen ops whatever k and the heads: batch-1 inference is bound by the number of
   * ops, not by their size.
   */
  private static Operand<TFloat32> naf(Layers at, Fusion fusion, StreamPlan stream, List<Operand<TFloat32>> blocks, int dim) {
    Ops tf = at.tf();
    int k = blocks.size();
    int heads = fusion.heads();
    int da = fusion.attentionDim();
    long[] tokens = stream.blocks().stream().mapToLong(BlockPlan::outputTokens).toArray();
    long total = stream.blockTokens();
    float scale = (float) (1 / Math.sqrt((double) da / heads));
    List<Operand<TFloat32>> original = new ArrayList<>();
    for (Operand<TFloat32> z : blocks) {
      original.add(Tokens.tokenMajor(tf, z));
    }
    List<Operand<TFloat32>> h = original;
    for (int s = 0; s < fusion.sublayers(); s++) {
      List<Output<TFloat32>> qkv = tf.split(tf.constant(-1), projectAll(at, stream, "s" + s, h, dim, da), 3L).output();
      Operand<TFloat32> q = Attention.toHeads(tf, qkv.get(0), total, da, heads);
      Operand<TFloat32> keys = Attention.toHeads(tf, qkv.get(1), total, da, heads);
      Operand<TFloat32> values = Attention.toHeads(tf, qkv.get(2), total, da, heads);
      // [B, heads, k, N, d_h] -> [B, N, k, heads * d_h]: per query token, one merged-heads output per key block.
      Operand<TFloat32> perKeyBlock = KeyBlockAttention.attend(tf, at::dropout, q, keys, values, scale, tokens);
      Operand<TFloat32> attended = tf.reshape(tf.linalg.transpose(perKeyBlock, tf.constant(new int[] {0, 3, 2, 1, 4})),
          tf.constant(new long[] {-1, total, k, da}));
      List<Output<TFloat32>> byQueryBlock = tf.splitV(attended, tf.constant(tokens), tf.constant(1), (long) k).output();
      List<Operand<TFloat32>> next = new ArrayList<>();
      for (int i = 0; i < k; i++) {
        String name = "s" + s + "." + stream.blocks().get(i).role().pathName();
        long n = tokens[i];
        long crossWidth = (long) (k - 1) * da;
        Operand<TFloat32> cross = tf.reshape(tf.gather(byQueryBlock.get(i), tf.constant(otherBlocks(k, i)),
            tf.constant(2)), tf.constant(new long[] {-1, n, crossWidth}));
        Operand<TFloat32> self = tf.reshape(tf.gather(byQueryBlock.get(i), tf.constant(i), tf.constant(2)),
            tf.constant(new long[] {-1, n, da}));
        Operand<TFloat32> crossMerged = at.tokenDense(name + ".cross", cross, n, crossWidth, dim);
        Operand<TFloat32> joined = tf.concat(List.of(crossMerged, self), tf.constant(-1));
        next.add(at.dropout(at.tokenDense(name + ".fuse", joined, n, (long) dim + da, dim)));
      }
      h = next;
    }
    List<Operand<TFloat32>> out = new ArrayList<>(h);
    if (fusion.keepBlockOutputs()) {
      out.addAll(original);
    }
    return Tokens.dimMajor(tf, tf.concat(out, tf.constant(1)));
  }

  /**
   * Queries, keys and values of every block's tokens, {@code [B, N, 3 d_a]}: each block projects its
   * own tokens with its own W^Q, W^K and W^V, side by side in one product.
   */
  private static Operand<TFloat32> projectAll(Layers at, StreamPlan stream, String sublayer,
      List<Operand<TFloat32>> blocks, int dim, int da) {
    Ops tf = at.tf();
    List<Operand<TFloat32>> projected = new ArrayList<>();
    for (int i = 0; i < blocks.size(); i++) {
      String name = sublayer + "." + stream.blocks().get(i).role().pathName();
      List<Operand<TFloat32>> weights = new ArrayList<>();
      for (String part : List.of("q", "k", "v")) {
        weights.add(at.weight(name + "." + part, Shape.of(dim, da), Initializer.xavierNormal()));
      }
      Operand<TFloat32> flat = tf.reshape(blocks.get(i), tf.constant(new long[] {-1, dim}));
      projected.add(tf.reshape(tf.linalg.matMul(flat, tf.concat(weights, tf.constant(1))),
          tf.constant(new long[] {-1, stream.blocks().get(i).outputTokens(), 3L * da})));
    }
    return tf.concat(projected, tf.constant(1));
  }

  /** The blocks other than i, in order: the cross-attention's key blocks. */
  private static int[] otherBlocks(int k, int i) {
    return IntStream.range(0, k).filter(j -> j != i).toArray();
  }
}
