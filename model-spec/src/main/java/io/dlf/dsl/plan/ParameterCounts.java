package io.dlf.dsl.plan;

import static java.lang.Math.addExact;
import static java.lang.Math.multiplyExact;

import io.dlf.dsl.spec.Fusion;
import io.dlf.dsl.spec.Mlp;
import io.dlf.dsl.spec.Residual;
import io.dlf.dsl.spec.ResidualKind;

/**
 * Parameter counts of the building blocks, written once here and checked against the compiled
 * graph's variables by the compiler tests. Exact arithmetic: a count beyond {@code long} throws
 * {@link ArithmeticException} rather than wrapping.
 */
public final class ParameterCounts {
  private ParameterCounts() {}

  /** Dense layer with bias. */
  public static long dense(long in, long out) {
    return addExact(multiplyExact(in, out), out);
  }

  /** LayerNorm or BatchNorm affine parameters (gamma and beta). */
  public static long norm(long width) {
    return multiplyExact(2, width);
  }

  /** Hidden layers of {@code mlp} over {@code in} inputs, then a dense output of {@code out}. */
  public static long mlp(long in, Mlp mlp, long out) {
    return addExact(hidden(in, mlp), dense(width(in, mlp), out));
  }

  /** The hidden layers of {@code mlp} over {@code in} inputs, without an output layer. */
  public static long hidden(long in, Mlp mlp) {
    long total = 0;
    long width = in;
    for (int hidden : mlp.hidden()) {
      total = addExact(total, addExact(dense(width, hidden), mlp.batchNorm() ? norm(hidden) : 0));
      width = hidden;
    }
    return total;
  }

  /** The width after the hidden layers of {@code mlp} over {@code in} inputs. */
  public static long width(long in, Mlp mlp) {
    return mlp.hidden().isEmpty() ? in : mlp.hidden().get(mlp.hidden().size() - 1);
  }

  /** A DCNv2 cross network: per layer a full {@code width x width} kernel and a bias. */
  public static long crossNetwork(long width, int layers) {
    return multiplyExact(layers, dense(width, width));
  }

  /**
   * FinalMLP's multi-head bilinear fusion of widths {@code d1} and {@code d2}: the linear weights of
   * both streams and, per head, a {@code d1/heads x d2/heads} bilinear matrix (the bias is the head's).
   */
  public static long bilinearFusion(long d1, long d2, int heads) {
    return addExact(d1 + d2, multiplyExact(heads, multiplyExact(d1 / heads, d2 / heads)));
  }

  /**
   * Multi-head self-attention of {@code width}: bias-free query, key and value projections and an
   * output projection with bias (the heads split the width, so their count does not matter).
   */
  public static long attention(long width) {
    return addExact(multiplyExact(3, multiplyExact(width, width)), dense(width, width));
  }

  /** Post-norm transformer layer: attention, LayerNorm, FFN {@code width -> hidden -> width}, LayerNorm. */
  public static long transformerLayer(long width, long hidden) {
    return Exact.sum(attention(width), norm(width), dense(width, hidden), dense(hidden, width), norm(width));
  }

  /** FM block: rank projection, LayerNorm over the n x R matrix, MLP to outTokens x dim, optional x0 alignment. */
  public static long fmBlock(BlockPlan block, int rank, Mlp mlp, int fields, int dim) {
    long interaction = (long) block.inputTokens() * rank;
    long align = block.alignRawEmbeddings() ? (long) fields * block.inputTokens() : 0;
    return Exact.sum(align, interaction, norm(interaction), mlp(interaction, mlp, (long) block.outputTokens() * dim));
  }

  /** Implicit block: token mixing matrix, optional per-token bias. */
  public static long implicitBlock(BlockPlan block, boolean bias, int dim) {
    return addExact((long) block.inputTokens() * block.outputTokens(), bias ? (long) block.outputTokens() * dim : 0);
  }

  /** Fusion of {@code blocks} block outputs holding {@code blockTokens} tokens in all. */
  public static long fusion(Fusion fusion, int blocks, int blockTokens, int[] tokensPerBlock, int dim) {
    return switch (fusion.kind()) {
      case CONCAT -> 0;
      case MLP -> mlp((long) blockTokens * dim, fusion.mlp(), (long) blockTokens * dim);
      case GATE_POOL -> {
        long align = 0;
        for (int tokens : tokensPerBlock) {
          align = addExact(align, (long) tokens * blockTokens);
        }
        yield addExact(align, dense((long) blocks * dim, blocks));
      }
      case ATTN_POOL -> (long) blockTokens * dim;
      case NAF -> {
        long da = fusion.attentionDim();
        long perBlock = Exact.sum(multiplyExact(3L * dim, da), // W_Q, W_K, W_V
            dense((blocks - 1) * da, dim), // cross-attention output W_C
            dense(dim + da, dim)); // aggregation W_F
        yield multiplyExact(perBlock, (long) blocks * fusion.sublayers());
      }
    };
  }

  /** Residual path and the LayerNorm after the sum. */
  public static long residual(Residual residual, int inputTokens, int outputTokens, boolean project, int dim) {
    long projection = project ? (long) inputTokens * outputTokens : 0;
    long gate = residual.kind() == ResidualKind.ELEMENTWISE_GATE ? (long) outputTokens * dim : 0;
    return Exact.sum(projection, gate, norm(dim));
  }

}
