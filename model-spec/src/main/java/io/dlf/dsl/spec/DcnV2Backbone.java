package io.dlf.dsl.spec;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * DCNv2: a cross network over the flattened field embeddings x0, {@code x_{l+1} = x0 * (W_l x_l +
 * b_l) + x_l} with full-rank W_l, and a DNN, combined by {@link CrossStructure}. A linear head is
 * DCNv2's output layer.
 *
 * @param inputs features stacked into the field embeddings, in order; empty means every declared feature
 * @param dnn the DNN's hidden layers; none for the cross network alone
 */
public record DcnV2Backbone(List<String> inputs, int crossLayers, Mlp dnn, CrossStructure structure)
    implements Backbone {

  public DcnV2Backbone {
    inputs = List.copyOf(requireNonNull(inputs, "inputs is null"));
    requireNonNull(dnn, "dnn is null");
    requireNonNull(structure, "structure is null");
  }

  /**
   * BARS's winning Frappe structure (dlf-model-reference §12.2): parallel, 4 cross layers, DNN [400,
   * 400, 400] with batch norm. The default of every part a serialized spec leaves out.
   */
  public static DcnV2Backbone bars() {
    return of(4, Mlp.of(400, 400, 400));
  }

  /** Parallel DCNv2 over every declared feature. */
  public static DcnV2Backbone of(int crossLayers, Mlp dnn) {
    return new DcnV2Backbone(List.of(), crossLayers, dnn, CrossStructure.PARALLEL);
  }

  @Override
  public String pathName() {
    return "dcnv2";
  }

  @Override
  public int formatVersion() {
    return 2;
  }

  @Override
  public <R> R accept(BackboneVisitor<R> visitor) {
    return visitor.visitDcnV2(this);
  }

  public DcnV2Backbone inputs(List<String> value) {
    return new DcnV2Backbone(value, crossLayers, dnn, structure);
  }

  public DcnV2Backbone crossLayers(int value) {
    return new DcnV2Backbone(inputs, value, dnn, structure);
  }

  public DcnV2Backbone dnn(Mlp value) {
    return new DcnV2Backbone(inputs, crossLayers, value, structure);
  }

  public DcnV2Backbone structure(CrossStructure value) {
    return new DcnV2Backbone(inputs, crossLayers, dnn, value);
  }
}
