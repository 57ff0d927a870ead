package io.dlf.dsl.spec;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * DeepFM: FM's first-order and pairwise terms go straight into the logit, next to a DNN over the
 * flattened field embeddings whose last hidden layer the head reads (a linear head is DeepFM's DNN
 * output layer).
 *
 * @param inputs features stacked into the field embeddings, in order; empty means every declared feature
 * @param dnn the DNN's hidden layers (at least one)
 */
public record DeepFmBackbone(List<String> inputs, Mlp dnn) implements Backbone {

  public DeepFmBackbone {
    inputs = List.copyOf(requireNonNull(inputs, "inputs is null"));
    requireNonNull(dnn, "dnn is null");
  }

  /**
   * BARS's winning Frappe DNN: [400, 400, 400] with batch norm and ReLU. The default of every part a
   * serialized spec leaves out.
   */
  public static DeepFmBackbone bars() {
    return of(Mlp.of(400, 400, 400));
  }

  /** DeepFM over every declared feature. */
  public static DeepFmBackbone of(Mlp dnn) {
    return new DeepFmBackbone(List.of(), dnn);
  }

  @Override
  public String pathName() {
    return "deepfm";
  }

  @Override
  public int formatVersion() {
    return 2;
  }

  @Override
  public <R> R accept(BackboneVisitor<R> visitor) {
    return visitor.visitDeepFm(this);
  }

  public DeepFmBackbone inputs(List<String> value) {
    return new DeepFmBackbone(value, dnn);
  }

  public DeepFmBackbone dnn(Mlp value) {
    return new DeepFmBackbone(inputs, value);
  }
}
