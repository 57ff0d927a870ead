package io.dlf.dsl.spec;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * Factorization machine: a first-order weight per feature value plus the pairwise inner products of
 * the field embeddings, {@code sum_i w(x_i) + sum_{i<j} <e_i, e_j>}. Both terms go straight into
 * the logit; the head (which must be linear) adds only the global bias.
 *
 * @param inputs features stacked into the field embeddings, in order; empty means every declared feature
 */
public record FmBackbone(List<String> inputs) implements Backbone {

  public FmBackbone {
    inputs = List.copyOf(requireNonNull(inputs, "inputs is null"));
  }

  /** FM over every declared feature. */
  public static FmBackbone of() {
    return new FmBackbone(List.of());
  }

  @Override
  public String pathName() {
    return "fm";
  }

  @Override
  public int formatVersion() {
    return 2;
  }

  @Override
  public <R> R accept(BackboneVisitor<R> visitor) {
    return visitor.visitFm(this);
  }

  public FmBackbone inputs(List<String> value) {
    return new FmBackbone(value);
  }
}
