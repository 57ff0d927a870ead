package io.dlf.dsl.plan;

import io.dlf.dsl.spec.CrossStructure;
import io.dlf.dsl.spec.DcnV2Backbone;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * DCNv2 with resolved shapes: the cross network keeps x0's width F x D; the DNN reads x0 (parallel)
 * or the cross output (stacked), both of that width.
 */
public record DcnV2Plan(DcnV2Backbone spec, int fields, int dim) implements BackbonePlan {

  /** x0, the flattened field embeddings: the width of every cross layer. */
  public int inputWidth() {
    return fields * dim;
  }

  public boolean hasDnn() {
    return !spec.dnn().hidden().isEmpty();
  }

  public int dnnWidth() {
    return (int) ParameterCounts.width(inputWidth(), spec.dnn());
  }

  @Override
  public List<Integer> outputShape() {
    if (!hasDnn()) {
      return List.of(inputWidth());
    }
    return List.of(spec.structure() == CrossStructure.STACKED ? dnnWidth() : inputWidth() + dnnWidth());
  }

  @Override
  public List<SummaryRow> rows() {
    List<SummaryRow> rows = new ArrayList<>();
    rows.add(new SummaryRow("dcnv2.cross", "cross network x" + spec.crossLayers(), List.of(inputWidth()),
        ParameterCounts.crossNetwork(inputWidth(), spec.crossLayers())));
    if (hasDnn()) {
      rows.add(new SummaryRow("dcnv2.dnn", "dnn (" + spec.structure().name().toLowerCase(Locale.ROOT) + ")",
          List.of(dnnWidth()), ParameterCounts.hidden(inputWidth(), spec.dnn())));
    }
    return rows;
  }

  @Override
  public <R> R accept(BackbonePlanVisitor<R> visitor) {
    return visitor.visitDcnV2(this);
  }
}
