package io.dlf.dsl.spec;

import static java.util.Objects.requireNonNull;

/** The prediction head: flattened last-layer tokens to one logit. */
public record Head(HeadKind kind, Mlp mlp) {

  public Head {
    requireNonNull(kind, "kind is null");
    requireNonNull(mlp, "mlp is null");
  }

  /** One fully connected layer (paper eq. 16). */
  public static Head linear() {
    return new Head(HeadKind.LINEAR, Mlp.of());
  }

  /** An MLP, then a linear output. */
  public static Head mlp(Mlp hidden) {
    return new Head(HeadKind.MLP, hidden);
  }
}
