package io.dlf.dsl.compile;

import io.dlf.dsl.plan.BlockPlan;
import io.dlf.dsl.plan.BlockRole;
import io.dlf.dsl.plan.DlfPlan;
import io.dlf.dsl.plan.LayerPlan;
import io.dlf.dsl.plan.StreamPlan;
import io.dlf.dsl.spec.DlfLayer;
import io.dlf.dsl.spec.FmBlock;
import io.dlf.dsl.spec.FusionSite;
import io.dlf.dsl.spec.ImplicitBlock;
import io.dlf.dsl.spec.Residual;
import io.dlf.dsl.spec.ResidualKind;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.train.BatchMatMul;
import org.tensorflow.types.TFloat32;

/**
 * The DLF backbone, built exactly as its {@link DlfPlan} resolves it.
 *
 * <p>Inside the backbone, tokens are dim-major, {@code [B, D, n]}: the token mixing that every
 * block does (the implicit block, the FM projections, the residual and E(1) alignments) is then one
 * plain matrix product instead of transpose, product, transpose, which is about 3x faster on CPU.
 * Block outputs are concatenated in role order (high-rank, low-rank, implicit).
 */
final class DlfNetwork {
  private static final float FM_LAYER_NORM_EPSILON = 1e-5f;

  private final Layers tower;
  private final DlfPlan plan;
  private final Operand<TFloat32> raw;

  private DlfNetwork(Layers tower, DlfPlan plan, Operand<TFloat32> raw) {
    this.tower = tower;
    this.plan = plan;
    this.raw = raw;
  }

  /** E(1) {@code [B, F, D]} to the last layer's tokens, dim-major {@code [B, D, N]}. */
  static Operand<TFloat32> build(Layers tower, DlfPlan plan, Operand<TFloat32> e1) {
    return new DlfNetwork(tower, plan, Tokens.dimMajor(tower.tf(), e1)).build();
  }

  private Operand<TFloat32> build() {
    Ops tf = tower.tf();
    if (plan.site() == FusionSite.EVERY_LAYER) {
      Operand<TFloat32> x = raw;
      for (LayerPlan layer : plan.layers()) {
        StreamPlan stream = layer.streams().get(0);
        List<Operand<TFloat32>> blocks = blocks(layer, stream, x);
        Operand<TFloat32> fused = Fusions.fuse(tower.at(layer.path() + "." + layer.spec().fusion().blockName()),
            layer.spec().fusion(), stream, blocks, plan.dim());
        x = residual(layer, stream, x, fused);
      }
      return x;
    }
    int streams = plan.layers().get(0).streams().size();
    List<Operand<TFloat32>> xs = new ArrayList<>(Collections.nCopies(streams, raw));
    for (LayerPlan layer : plan.layers()) {
      for (int s = 0; s < streams; s++) {
        StreamPlan stream = layer.streams().get(s);
        Operand<TFloat32> z = blocks(layer, stream, xs.get(s)).get(0);
        xs.set(s, residual(layer, stream, xs.get(s), z));
      }
    }
    return Tokens.concat(tf, xs);
  }

  private List<Operand<TFloat32>> blocks(LayerPlan layer, StreamPlan stream, Operand<TFloat32> x) {
    List<Operand<TFloat32>> out = new ArrayList<>();
    DlfLayer spec = layer.spec();
    for (BlockPlan block : stream.blocks()) {
      Layers at = tower.at(DlfPlan.blockPath(layer, block));
      out.add(switch (block.role()) {
        case HIGH_RANK -> fmBlock(at, block, spec.highRank(), x);
        case LOW_RANK -> fmBlock(at, block, spec.lowRank(), x);
        case IMPLICIT -> implicitBlock(at, block, spec.implicit(), x);
      });
    }
    return out;
  }

  /**
   * The FM interaction matrix, transposed: {@code M^T[r, i] = sum_j W[j, r] <left_i, x_j>}, as
   * {@code (x W)^T left} without the n x n Gram matrix. The low-rank block's left factor is E(1),
   * aligned to the input's token count by a learned P where the counts differ; by associativity
   * P is applied to the small {@code [R, F]} product rather than to E(1) itself.
   */
  private Operand<TFloat32> interactions(Layers at, BlockPlan block, int rank, Operand<TFloat32> x) {
    Ops tf = at.tf();
    int dim = plan.dim();
    Operand<TFloat32> projected = at.tokenMix("w", x, dim, block.inputTokens(), rank, Initializer.kaimingUniform());
    Operand<TFloat32> left = block.role() == BlockRole.LOW_RANK ? raw : x;
    Operand<TFloat32> product = tf.train.batchMatMul(projected, left, TFloat32.class, BatchMatMul.adjX(true));
    if (block.alignRawEmbeddings()) {
      product = at.tokenMix("align", product, rank, plan.fields(), block.inputTokens(), Initializer.kaimingUniform());
    }
    return product;
  }

  /** Interactions, LayerNorm over the flattened R x n matrix, then an MLP to the output tokens. */
  private Operand<TFloat32> fmBlock(Layers at, BlockPlan block, FmBlock spec, Operand<TFloat32> x) {
    Ops tf = at.tf();
    int dim = plan.dim();
    long width = (long) block.inputTokens() * spec.rank();
    Operand<TFloat32> flat = tf.reshape(interactions(at, block, spec.rank(), x), tf.constant(new long[] {-1, width}));
    Operand<TFloat32> out = at.layerNormMlp("ln", flat, width, FM_LAYER_NORM_EPSILON, "mlp", spec.mlp(),
        (long) block.outputTokens() * dim);
    return at.activation(spec.outputActivation(), tf.reshape(out, tf.constant(new long[] {-1, dim, block.outputTokens()})));
  }

  private Operand<TFloat32> implicitBlock(Layers at, BlockPlan block, ImplicitBlock spec, Operand<TFloat32> x) {
    Operand<TFloat32> z = at.tokenMix("w", x, plan.dim(), block.inputTokens(), block.outputTokens(),
        Initializer.kaimingUniform());
    if (spec.bias()) {
      z = at.tf().math.add(z, at.weight("b", Shape.of(plan.dim(), block.outputTokens()), Initializer.zeros()));
    }
    return at.activation(spec.outputActivation(), z);
  }

  /** {@code LN_D(z + R(x))}: the skip path, optionally projected and gated, then a per-token LayerNorm. */
  private Operand<TFloat32> residual(LayerPlan layer, StreamPlan stream, Operand<TFloat32> x, Operand<TFloat32> z) {
    Layers at = tower.at(DlfPlan.residualPath(layer, stream));
    Ops tf = at.tf();
    Residual spec = layer.spec().residual();
    int dim = plan.dim();
    Operand<TFloat32> sum = z;
    if (spec.kind() != ResidualKind.NONE) {
      Operand<TFloat32> skip = stream.projectResidual()
          ? at.tokenMix("proj", x, dim, stream.inputTokens(), stream.fusedTokens(), Initializer.kaimingUniform())
          : x;
      if (spec.kind() == ResidualKind.ELEMENTWISE_GATE) {
        // A linear gate starts at 1 (a plain residual); a sigmoid gate starts at 0.5.
        Operand<TFloat32> gate = at.weight("gate", Shape.of(dim, stream.fusedTokens()),
            spec.sigmoidGate() ? Initializer.zeros() : Initializer.ones());
        skip = tf.math.mul(skip, spec.sigmoidGate() ? tf.math.sigmoid(gate) : gate);
      }
      sum = tf.math.add(z, skip);
    }
    return at.channelNorm("ln", sum, dim, stream.fusedTokens(), spec.layerNormEpsilon());
  }
}
