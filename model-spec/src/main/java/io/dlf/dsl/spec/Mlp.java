package io.dlf.dsl.spec;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import java.util.List;

/**
 * Hidden layers of a multi-layer perceptron: Linear, optional BatchNorm, activation and dropout per
 * hidden layer. The output layer belongs to the block that owns the MLP.
 */
public record Mlp(List<Integer> hidden, boolean batchNorm, Activation activation) {

  public Mlp {
    hidden = List.copyOf(requireNonNull(hidden, "hidden is null"));
    requireNonNull(activation, "activation is null");
  }

  /** Hidden layers of the given widths, with batch norm and ReLU (the released code's MLPs). */
  public static Mlp of(int... hidden) {
    return new Mlp(Arrays.stream(hidden).boxed().toList(), true, Activation.RELU);
  }

  public Mlp hidden(int... widths) {
    return new Mlp(Arrays.stream(widths).boxed().toList(), batchNorm, activation);
  }

  public Mlp batchNorm(boolean on) {
    return new Mlp(hidden, on, activation);
  }

  public Mlp activation(Activation value) {
    return new Mlp(hidden, batchNorm, value);
  }
}
