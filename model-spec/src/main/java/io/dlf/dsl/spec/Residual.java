package io.dlf.dsl.spec;

import static java.util.Objects.requireNonNull;

/**
 * The skip path of a DLF layer: E(l+1) = LN(Z + R(E(l))).
 *
 * @param sigmoidGate ELEMENTWISE_GATE only: squash the gate G with a sigmoid; otherwise G is
 *     linear and starts at 1, so the layer starts as a plain residual
 * @param layerNormEpsilon the epsilon of the LayerNorm after the sum (the paper's epsilon)
 */
public record Residual(ResidualKind kind, boolean sigmoidGate, float layerNormEpsilon) {

  public static final float DEFAULT_EPSILON = 1e-5f;

  public Residual {
    requireNonNull(kind, "kind is null");
  }

  public static Residual elementwiseGate() {
    return new Residual(ResidualKind.ELEMENTWISE_GATE, false, DEFAULT_EPSILON);
  }

  public static Residual tokenProjection() {
    return new Residual(ResidualKind.TOKEN_PROJ, false, DEFAULT_EPSILON);
  }

  public static Residual none() {
    return new Residual(ResidualKind.NONE, false, DEFAULT_EPSILON);
  }

  public Residual kind(ResidualKind value) {
    return new Residual(value, sigmoidGate, layerNormEpsilon);
  }

  public Residual sigmoidGate(boolean value) {
    return new Residual(kind, value, layerNormEpsilon);
  }

  public Residual layerNormEpsilon(float value) {
    return new Residual(kind, sigmoidGate, value);
  }
}
