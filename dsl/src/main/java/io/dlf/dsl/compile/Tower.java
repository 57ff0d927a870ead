package io.dlf.dsl.compile;

import io.dlf.dsl.plan.BackbonePlanVisitor;
import io.dlf.dsl.plan.DlfPlan;
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
 */
public record Tower(Operand<TFloat32> logit, List<Op> stateUpdates) {

  public Tower {
    stateUpdates = List.copyOf(stateUpdates);
  }

  static Tower build(Ops towerOps, Parameters params, ModelPlan plan, FieldLayout layout, EncodedInputs inputs,
      boolean training) {
    TowerState state = new TowerState(training, plan.spec().dropout(), params.seed());
    Layers layers = Layers.tower(towerOps, params, state);
    Operand<TFloat32> e1 = EmbeddingLayer.build(layers, layout, plan.spec().embedding(), inputs);
    Operand<TFloat32> tokens = plan.backbone().accept(new BackbonePlanVisitor<Operand<TFloat32>>() {
      @Override
      public Operand<TFloat32> visitDlf(DlfPlan dlf) {
        return DlfNetwork.build(layers, dlf, e1);
      }
    });
    Ops tf = towerOps;
    long width = plan.headInputWidth();
    Operand<TFloat32> flat = tf.reshape(tokens, tf.constant(new long[] {-1, width}));
    Layers head = layers.at("head");
    Operand<TFloat32> logit = plan.spec().head().kind() == HeadKind.LINEAR
        ? head.dense("out", flat, width, 1)
        : head.mlp("mlp", flat, width, plan.spec().head().mlp(), 1);
    return new Tower(tf.reshape(logit, tf.constant(new long[] {-1})), state.stateUpdates());
  }
}
