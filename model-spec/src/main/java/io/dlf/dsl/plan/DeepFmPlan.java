package io.dlf.dsl.plan;

import io.dlf.dsl.spec.DeepFmBackbone;
import java.util.List;

/**
 * DeepFM with resolved shapes: FM's terms go to the logit directly; the head reads the DNN's last
 * hidden layer.
 */
public record DeepFmPlan(DeepFmBackbone spec, int fields, int dim) implements BackbonePlan {

  /** The flattened field embeddings the DNN reads. */
  public int inputWidth() {
    return fields * dim;
  }

  @Override
  public List<Integer> outputShape() {
    return List.of((int) ParameterCounts.width(inputWidth(), spec.dnn()));
  }

  @Override
  public boolean firstOrder() {
    return true;
  }

  @Override
  public List<SummaryRow> rows() {
    return List.of(
        new SummaryRow("deepfm.pairwise", "pairwise inner products", List.of(1), 0),
        new SummaryRow("deepfm.dnn", "dnn", outputShape(), ParameterCounts.hidden(inputWidth(), spec.dnn())));
  }

  @Override
  public <R> R accept(BackbonePlanVisitor<R> visitor) {
    return visitor.visitDeepFm(this);
  }
}
