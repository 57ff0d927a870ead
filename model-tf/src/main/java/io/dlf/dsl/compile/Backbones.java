package io.dlf.dsl.compile;

import io.dlf.dsl.plan.BackbonePlanVisitor;
import io.dlf.dsl.plan.DcnV2Plan;
import io.dlf.dsl.plan.DeepFmPlan;
import io.dlf.dsl.plan.DlfPlan;
import io.dlf.dsl.plan.FinalMlpPlan;
import io.dlf.dsl.plan.FmPlan;
import io.dlf.dsl.plan.InterFormerPlan;
import io.dlf.dsl.plan.MgdinPlan;
import io.dlf.dsl.spec.CrossStructure;
import io.dlf.dsl.spec.Embedding;
import java.util.List;
import java.util.Optional;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** Builds each kind of backbone on E(1) {@code [B, F, D]}, as its plan resolves it. */
final class Backbones implements BackbonePlanVisitor<BackboneOutput> {
  private final Layers tower;
  private final FieldLayout layout;
  private final Embedding embedding;
  private final EncodedInputs inputs;
  private final Operand<TFloat32> e1;

  Backbones(Layers tower, FieldLayout layout, Embedding embedding, EncodedInputs inputs, Operand<TFloat32> e1) {
    this.tower = tower;
    this.layout = layout;
    this.embedding = embedding;
    this.inputs = inputs;
    this.e1 = e1;
  }

  @Override
  public BackboneOutput visitDlf(DlfPlan dlf) {
    return BackboneOutput.features(DlfNetwork.build(tower, dlf, e1));
  }

  @Override
  public BackboneOutput visitFm(FmPlan fm) {
    return BackboneOutput.logitTerm(FmTerms.logit(tower, "fm", layout, embedding, inputs, e1));
  }

  @Override
  public BackboneOutput visitDeepFm(DeepFmPlan deepFm) {
    Operand<TFloat32> dnn = tower.at("deepfm").mlpHidden("dnn", flat(deepFm.inputWidth()), deepFm.inputWidth(),
        deepFm.spec().dnn());
    return BackboneOutput.both(dnn, FmTerms.logit(tower, "deepfm", layout, embedding, inputs, e1));
  }

  @Override
  public BackboneOutput visitDcnV2(DcnV2Plan dcn) {
    int width = dcn.inputWidth();
    Operand<TFloat32> x0 = flat(width);
    Operand<TFloat32> cross = CrossNetwork.build(tower.at("dcnv2.cross"), x0, width, dcn.spec().crossLayers());
    if (!dcn.hasDnn()) {
      return BackboneOutput.features(cross);
    }
    boolean stacked = dcn.spec().structure() == CrossStructure.STACKED;
    Operand<TFloat32> dnn = tower.at("dcnv2").mlpHidden("dnn", stacked ? cross : x0, width, dcn.spec().dnn());
    Ops tf = tower.tf();
    return BackboneOutput.features(stacked ? dnn : tf.concat(List.of(cross, dnn), tf.constant(1)));
  }

  @Override
  public BackboneOutput visitFinalMlp(FinalMlpPlan finalMlp) {
    return BackboneOutput.logitTerm(FinalMlpNetwork.build(tower, finalMlp, layout, embedding.initStddev(), inputs, e1));
  }

  @Override
  public BackboneOutput visitMgdin(MgdinPlan mgdin) {
    return BackboneOutput.features(MgdinNetwork.build(tower, mgdin, layout, e1));
  }

  @Override
  public BackboneOutput visitInterFormer(InterFormerPlan interFormer) {
    Optional<SequenceTokens> history = interFormer.hasSequence()
        ? Optional.of(EmbeddingLayer.sequenceTokens(tower, layout, embedding, inputs,
            layout.fields().get(interFormer.sequenceField())))
        : Optional.empty();
    return BackboneOutput.features(InterFormerNetwork.build(tower, interFormer, e1, history));
  }

  /** E(1) flattened to {@code [B, F * D]}. */
  private Operand<TFloat32> flat(long width) {
    Ops tf = tower.tf();
    return tf.reshape(e1, tf.constant(new long[] {-1, width}));
  }
}
