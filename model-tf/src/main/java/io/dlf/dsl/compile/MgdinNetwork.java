package io.dlf.dsl.compile;

import io.dlf.dsl.plan.MgdinPlan;
import io.dlf.dsl.spec.Activation;
import io.dlf.dsl.spec.MaskSchedule;
import io.dlf.dsl.spec.MgdinBackbone;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * MGDIN on E(1) {@code [B, F, D]}: per granularity a branch of field-group tokens through post-norm
 * transformer layers with deferred attention masks, mean-pooled; the branches concatenated,
 * {@code [B, |G| * width]}. See {@link MgdinBackbone} for the formulation.
 */
final class MgdinNetwork {
  /** PyTorch's LayerNorm epsilon, as in the re-implementation. */
  private static final float LAYER_NORM_EPSILON = 1e-5f;

  private MgdinNetwork() {}

  static Operand<TFloat32> build(Layers tower, MgdinPlan plan, FieldLayout layout, Operand<TFloat32> e1) {
    Ops tf = tower.tf();
    List<Operand<TFloat32>> branches = new ArrayList<>();
    for (int g : plan.spec().granularities()) {
      FieldGroups groups = FieldGroups.of(layout, plan.spec().ordering(), g);
      Operand<TFloat32> tokens = groupTokens(tower.at(MgdinPlan.branchPath(g)), plan, groups, e1);
      branches.add(tf.math.mean(branch(tower, plan, groups, tokens), tf.constant(1)));
    }
    return Attention.concatFeatures(tf, branches);
  }

  /** {@code [B, M, width]}: each group's fields (in grouping order, zero-padded) concatenated and projected. */
  private static Operand<TFloat32> groupTokens(Layers at, MgdinPlan plan, FieldGroups groups, Operand<TFloat32> e1) {
    Ops tf = at.tf();
    Operand<TFloat32> fields = e1;
    if (!groups.inNativeOrder()) {
      int[] order = groups.order().stream().mapToInt(Integer::intValue).toArray();
      fields = tf.gather(fields, tf.constant(order), tf.constant(1));
    }
    if (groups.padding() > 0) {
      fields = tf.pad(fields, tf.constant(new int[][] {{0, 0}, {0, groups.padding()}, {0, 0}}), tf.constant(0f));
    }
    long in = (long) groups.granularity() * plan.dim();
    Operand<TFloat32> concatenated = tf.reshape(fields, tf.constant(new long[] {-1, groups.groups(), in}));
    return at.tokenDense("projection", concatenated, groups.groups(), in, plan.spec().width());
  }

  private static Operand<TFloat32> branch(Layers tower, MgdinPlan plan, FieldGroups groups, Operand<TFloat32> tokens) {
    MgdinBackbone spec = plan.spec();
    int m = groups.groups();
    int width = spec.width();
    float scale = (float) (1 / Math.sqrt((double) width / spec.heads()));
    Operand<TFloat32> t = tokens;
    Operand<TFloat32> a0 = null;
    for (int l = 0; l < spec.layers(); l++) {
      Layers at = tower.at(MgdinPlan.layerPath(groups.granularity(), l));
      Ops tf = at.tf();
      List<Operand<TFloat32>> logits = Attention.logits(tf, heads(at, "q", t, m, spec), heads(at, "k", t, m, spec), scale);
      if (l == 0 && spec.schedule() == MaskSchedule.PAIR) {
        a0 = meanOverHeads(tf, logits);
      }
      Optional<Operand<TFloat32>> mask = switch (spec.schedule()) {
        case GROUP -> DeferredMask.groups(tf, groups.ranking(), l + 1, spec.layers());
        case PAIR -> DeferredMask.pairs(tf, a0, m, l + 1, spec.layers());
        case NONE -> Optional.empty();
      };
      Operand<TFloat32> attended = Attention.weighted(at, logits, heads(at, "v", t, m, spec), mask);
      Operand<TFloat32> z = at.layerNorm("attention_norm",
          tf.math.add(at.tokenDense("o", attended, m, width, width), t), width, LAYER_NORM_EPSILON);
      Operand<TFloat32> hidden = at.activation(Activation.GELU, at.tokenDense("ffn_in", z, m, width, plan.ffnWidth()));
      Operand<TFloat32> ffn = at.dropout(at.tokenDense("ffn_out", hidden, m, plan.ffnWidth(), width));
      t = at.layerNorm("ffn_norm", tf.math.add(ffn, z), width, LAYER_NORM_EPSILON);
    }
    return t;
  }

  private static List<Operand<TFloat32>> heads(Layers at, String local, Operand<TFloat32> t, int m, MgdinBackbone spec) {
    return Attention.splitHeads(at.tf(), at.tokenProjection(local, t, m, spec.width(), spec.width()), spec.heads());
  }

  private static Operand<TFloat32> meanOverHeads(Ops tf, List<Operand<TFloat32>> logits) {
    Operand<TFloat32> sum = logits.get(0);
    for (int h = 1; h < logits.size(); h++) {
      sum = tf.math.add(sum, logits.get(h));
    }
    return logits.size() == 1 ? sum : tf.math.div(sum, tf.constant((float) logits.size()));
  }
}
