package io.dlf.dsl.compile;

import java.util.Optional;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/**
 * What a backbone hands on: the features the head reads (absent when the plan's output width is 0)
 * and a term the backbone adds to the logit itself, as FM does with its first-order and pairwise sums.
 *
 * @param features {@code [B, ...]}, flattened by the head
 * @param logitTerm {@code [B]}
 */
record BackboneOutput(Optional<Operand<TFloat32>> features, Optional<Operand<TFloat32>> logitTerm) {

  static BackboneOutput features(Operand<TFloat32> features) {
    return new BackboneOutput(Optional.of(features), Optional.empty());
  }

  static BackboneOutput logitTerm(Operand<TFloat32> term) {
    return new BackboneOutput(Optional.empty(), Optional.of(term));
  }

  static BackboneOutput both(Operand<TFloat32> features, Operand<TFloat32> term) {
    return new BackboneOutput(Optional.of(features), Optional.of(term));
  }
}
