package io.dlf.dsl.compile;

import io.dlf.dsl.plan.ModelPlan;
import io.dlf.dsl.spec.HeadKind;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * One forward pass of the model (embedding, backbone, head) in its own name scope. A graph holds
 * a training tower (dropout, batch statistics) and an inference tower over the same variables.
 *
 * @param logit {@code [B]}
 * @param stateUpdates running-statistics updates to run with each training step (none for inference)
 * @param lookups every gather from an embedding table in this tower
 */
public record Tower(Operand<TFloat32> logit, List<Op> stateUpdates, List<TableLookup> lookups) {

  public Tower {
    stateUpdates = List.copyOf(stateUpdates);
    lookups = List.copyOf(lookups);
  }

  static Tower build(Ops towerOps, Parameters params, ModelPlan plan, FieldLayout layout, EncodedInputs inputs,
      boolean training) {
    TowerState state = new TowerState(training, plan.spec().dropout(), params.seed());
    Layers layers = Layers.tower(towerOps, params, state);
    Operand<TFloat32> e1 = EmbeddingLayer.build(layers, layout, plan.spec().embedding(), inputs);
    BackboneOutput out = plan.backbone().accept(new Backbones(layers, layout, plan.spec().embedding(), inputs, e1));
    Ops tf = towerOps;
    Operand<TFloat32> logit = tf.reshape(head(layers.at("head"), plan, out), tf.constant(new long[] {-1}));
    if (out.logitTerm().isPresent()) {
      logit = tf.math.add(logit, out.logitTerm().get());
    }
    return new Tower(logit, state.stateUpdates(), state.lookups());
  }

  /** {@code [B, 1]}, or the bias {@code [1]} alone when the backbone gives the head nothing to read. */
  private static Operand<TFloat32> head(Layers head, ModelPlan plan, BackboneOutput out) {
    long width = plan.headInputWidth();
    if (out.features().isEmpty()) {
      return head.bias("out", 1);
    }
    Ops tf = head.tf();
    Operand<TFloat32> flat = tf.reshape(out.features().get(), tf.constant(new long[] {-1, width}));
    return plan.spec().head().kind() == HeadKind.LINEAR
        ? head.dense("out", flat, width, 1)
        : head.mlp("mlp", flat, width, plan.spec().head().mlp(), 1);
  }
}
