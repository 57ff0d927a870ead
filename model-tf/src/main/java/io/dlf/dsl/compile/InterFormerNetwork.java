package io.dlf.dsl.compile;

import io.dlf.dsl.plan.InterFormerPlan;
import io.dlf.dsl.spec.Activation;
import io.dlf.dsl.spec.InteractionArch;
import io.dlf.dsl.spec.InterFormerBackbone;
import io.dlf.dsl.spec.SummaryGate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.train.BatchMatMul;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * InterFormer on E(1) and the sequence's tokens: {@code [B, n_sum + |S_sum|, D]}, the final
 * summaries. See {@link InterFormerBackbone} for the formulation; tokens are token-major
 * {@code [B, n, D]} throughout.
 */
final class InterFormerNetwork {
  private static final float LAYER_NORM_EPSILON = 1e-5f;
  private static final Activation ACTIVATION = Activation.SILU;

  private final Layers tower;
  private final InterFormerPlan plan;
  private final InterFormerBackbone spec;
  private final int dim;
  private final float scale;

  private InterFormerNetwork(Layers tower, InterFormerPlan plan) {
    this.tower = tower;
    this.plan = plan;
    this.spec = plan.spec();
    this.dim = plan.dim();
    this.scale = (float) (1 / Math.sqrt((double) dim / spec.heads()));
  }

  /** The sequence through the layers: tokens (CLS first once prepended) and the additive key mask. */
  private record Sequence(Operand<TFloat32> tokens, Operand<TFloat32> keyMask, Operand<TInt32> lengths) {}

  static Operand<TFloat32> build(Layers tower, InterFormerPlan plan, Operand<TFloat32> e1,
      Optional<SequenceTokens> history) {
    return new InterFormerNetwork(tower, plan).run(e1, history);
  }

  private Operand<TFloat32> run(Operand<TFloat32> e1, Optional<SequenceTokens> history) {
    Ops tf = tower.tf();
    int[] fields = plan.tokenFields().stream().mapToInt(Integer::intValue).toArray();
    Operand<TFloat32> x = plan.hasSequence() ? tf.gather(e1, tf.constant(fields), tf.constant(1)) : e1;
    Sequence s = null;
    for (int l = 0; l < spec.layers(); l++) {
      String path = InterFormerPlan.layerPath(l);
      if (history.isEmpty()) {
        // nothing reads a per-layer summary: the interaction arch is all there is
        x = interaction(tower.at(path + ".interaction"), x, x);
        continue;
      }
      Layers cross = tower.at(path + ".cross");
      Operand<TFloat32> xSum = xSummary(cross, x);
      if (l == 0) {
        s = withCls(tf, xSum, history.get());
      }
      Operand<TFloat32> z = tf.concat(List.of(x, sSummary(cross, s)), tf.constant(1));
      x = interaction(tower.at(path + ".interaction"), x, z);
      s = new Sequence(sequenceArch(tower.at(path + ".sequence"), xSum, s), s.keyMask(), s.lengths());
    }
    Layers summary = tower.at(InterFormerPlan.SUMMARY);
    Operand<TFloat32> xSum = xSummary(summary, x);
    return s == null ? xSum : tf.concat(List.of(xSum, sSummary(summary, s)), tf.constant(1));
  }

  /** S(1) = [X_sum(1) ‖ S]: the CLS tokens are never masked. */
  private Sequence withCls(Ops tf, Operand<TFloat32> xSum, SequenceTokens history) {
    Operand<TFloat32> tokens = tf.concat(List.of(xSum, history.tokens()), tf.constant(1));
    Operand<TFloat32> visible = tf.pad(history.mask(),
        tf.constant(new int[][] {{0, 0}, {spec.summaryTokens(), 0}}), tf.constant(1f));
    Operand<TFloat32> keyMask = tf.expandDims(
        tf.math.mul(tf.math.sub(tf.constant(1f), visible), tf.constant(Attention.MASKED)), tf.constant(1));
    Operand<TInt32> lengths = tf.dtypes.cast(tf.sum(history.mask(), tf.constant(1)), TInt32.class);
    return new Sequence(tokens, keyMask, lengths);
  }

  /** Gate(LCE(X)): the n tokens linearly compressed to n_sum along the token axis, then gated. */
  private Operand<TFloat32> xSummary(Layers at, Operand<TFloat32> x) {
    Ops tf = at.tf();
    Operand<TFloat32> dimMajor = transpose(tf, x);
    Operand<TFloat32> compressed = at.tokenMix("compression", dimMajor, dim, plan.tokens(), spec.summaryTokens(),
        Initializer.xavierNormal());
    return gate(at, "x_gate", transpose(tf, compressed), spec.summaryTokens());
  }

  /** Gate([CLS ‖ PMA ‖ recent]). */
  private Operand<TFloat32> sSummary(Layers at, Sequence s) {
    Ops tf = at.tf();
    List<Operand<TFloat32>> parts = new ArrayList<>();
    parts.add(tf.slice(s.tokens(), tf.constant(new int[] {0, 0, 0}), tf.constant(new int[] {-1, spec.summaryTokens(), -1})));
    if (spec.pmaTokens() > 0) {
      parts.add(pma(at, s));
    }
    if (spec.recentTokens() > 0) {
      parts.add(recent(tf, s));
    }
    Operand<TFloat32> summary = parts.size() == 1 ? parts.get(0) : tf.concat(parts, tf.constant(1));
    return gate(at, "s_gate", summary, plan.sequenceSummaryTokens());
  }

  /** Learned seed queries attending over the visible sequence tokens: {@code [B, n_pma, D]}. */
  private Operand<TFloat32> pma(Layers at, Sequence s) {
    Ops tf = at.tf();
    int n = plan.sequenceTokens();
    Operand<TFloat32> seeds = at.weight("pma.seeds", Shape.of(spec.pmaTokens(), dim),
        Initializer.xavierNormal());
    // [B, 1, 1] zeros broadcast the seeds over the batch
    Operand<TFloat32> batchZeros = tf.zerosLike(
        tf.slice(s.tokens(), tf.constant(new int[] {0, 0, 0}), tf.constant(new int[] {-1, 1, 1})));
    Operand<TFloat32> queries = tf.math.add(tf.expandDims(seeds, tf.constant(0)), batchZeros);
    Operand<TFloat32> attended = attend(at, "pma", queries, s.tokens(), n, Optional.of(s.keyMask()));
    return at.tokenDense("pma.o", attended, spec.pmaTokens(), dim, dim);
  }

  /**
   * The K most recent real tokens, oldest first: history position {@code len - K + j} (after the CLS
   * tokens) for j < K, selected by a one-hot product; a zero token where the history is shorter.
   */
  private Operand<TFloat32> recent(Ops tf, Sequence s) {
    int k = spec.recentTokens();
    int[] offsets = new int[k];
    for (int j = 0; j < k; j++) {
      offsets[j] = j - k;
    }
    Operand<TInt32> position = tf.math.add(tf.expandDims(s.lengths(), tf.constant(-1)), tf.constant(offsets));
    Operand<TInt32> index = tf.select(tf.math.greaterEqual(position, tf.constant(0)),
        tf.math.add(position, tf.constant(spec.summaryTokens())), tf.constant(-1));
    Operand<TFloat32> select = tf.oneHot(index, tf.constant(plan.sequenceTokens()), tf.constant(1f), tf.constant(0f));
    return tf.train.batchMatMul(select, s.tokens(), TFloat32.class);
  }

  private Operand<TFloat32> gate(Layers at, String local, Operand<TFloat32> x, int tokens) {
    Ops tf = at.tf();
    Operand<TFloat32> h = at.tokenDense(local, x, tokens, dim, dim);
    return spec.gate() == SummaryGate.SELF
        ? tf.math.mul(x, tf.math.sigmoid(h))
        : tf.math.sigmoid(tf.math.mul(x, h));
  }

  /** X over {@code z = [X ‖ S_sum]}, back to n tokens. */
  private Operand<TFloat32> interaction(Layers at, Operand<TFloat32> x, Operand<TFloat32> z) {
    Ops tf = at.tf();
    int n = plan.tokens();
    int m = plan.interactionTokens();
    if (spec.interaction() == InteractionArch.DOT) {
      Operand<TFloat32> dots = tf.reshape(tf.train.batchMatMul(z, z, TFloat32.class, BatchMatMul.adjY(true)),
          tf.constant(new long[] {-1, (long) m * m}));
      long flat = (long) n * dim;
      Operand<TFloat32> in = tf.concat(List.of(dots, tf.reshape(x, tf.constant(new long[] {-1, flat}))),
          tf.constant(1));
      Operand<TFloat32> h = at.activation(ACTIVATION, at.dense("dot", in, (long) m * m + flat, flat));
      return at.layerNorm("norm", tf.math.add(x, tf.reshape(at.dropout(h), tf.constant(new long[] {-1, n, dim}))),
          dim, LAYER_NORM_EPSILON);
    }
    Operand<TFloat32> attended = attendFrom(at, x, n, z, m, Optional.empty());
    Operand<TFloat32> h = at.layerNorm("attention_norm", tf.math.add(x, at.tokenDense("o", attended, n, dim, dim)),
        dim, LAYER_NORM_EPSILON);
    Operand<TFloat32> hidden = at.activation(ACTIVATION, at.tokenDense("ffn_in", h, n, dim, plan.ffnWidth()));
    Operand<TFloat32> ffn = at.dropout(at.tokenDense("ffn_out", hidden, n, plan.ffnWidth(), dim));
    return at.layerNorm("ffn_norm", tf.math.add(h, ffn), dim, LAYER_NORM_EPSILON);
  }

  /** PFFN then masked self-attention, each with a residual and a LayerNorm. */
  private Operand<TFloat32> sequenceArch(Layers at, Operand<TFloat32> xSum, Sequence s) {
    Ops tf = at.tf();
    int n = plan.sequenceTokens();
    // W_p = X_sum^T W: [B, D, n_sum] x [n_sum, D]
    Operand<TFloat32> weights = at.tokenMix("pffn", transpose(tf, xSum), dim, spec.summaryTokens(), dim,
        Initializer.xavierNormal());
    Operand<TFloat32> personal = at.activation(ACTIVATION, tf.train.batchMatMul(s.tokens(), weights, TFloat32.class));
    Operand<TFloat32> p = at.layerNorm("pffn_norm", tf.math.add(s.tokens(), personal), dim, LAYER_NORM_EPSILON);
    Operand<TFloat32> attended = attendFrom(at, p, n, p, n, Optional.of(s.keyMask()));
    return at.layerNorm("attention_norm", tf.math.add(p, at.tokenDense("o", attended, n, dim, dim)), dim,
        LAYER_NORM_EPSILON);
  }

  /** Multi-head attention with projected queries. */
  private Operand<TFloat32> attendFrom(Layers at, Operand<TFloat32> queries, int nq, Operand<TFloat32> keys, int nk,
      Optional<Operand<TFloat32>> mask) {
    Operand<TFloat32> q = at.tokenProjection("q", queries, nq, dim, dim);
    return attend(at, "", q, keys, nk, mask);
  }

  /** Multi-head attention of given queries over projected keys and values (prefix {@code local}). */
  private Operand<TFloat32> attend(Layers at, String local, Operand<TFloat32> queries, Operand<TFloat32> keys,
      int nk, Optional<Operand<TFloat32>> mask) {
    Ops tf = at.tf();
    String prefix = local.isEmpty() ? "" : local + ".";
    List<Operand<TFloat32>> k = Attention.splitHeads(tf, at.tokenProjection(prefix + "k", keys, nk, dim, dim), spec.heads());
    List<Operand<TFloat32>> v = Attention.splitHeads(tf, at.tokenProjection(prefix + "v", keys, nk, dim, dim), spec.heads());
    List<Operand<TFloat32>> q = Attention.splitHeads(tf, queries, spec.heads());
    return Attention.weighted(at, Attention.logits(tf, q, k, scale), v, mask);
  }

  private static Operand<TFloat32> transpose(Ops tf, Operand<TFloat32> x) {
    return tf.linalg.transpose(x, tf.constant(new int[] {0, 2, 1}));
  }
}
