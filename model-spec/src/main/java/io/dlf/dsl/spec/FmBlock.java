package io.dlf.dsl.spec;

import static java.util.Objects.requireNonNull;

/**
 * A factorization-machine block (Wukong's FMB): the token Gram matrix projected to rank R without
 * materialising it, layer-normalised, flattened and mapped by an MLP to {@code tokens} tokens.
 * DLF uses it twice per layer: on the current tokens (high-rank) and with the raw embeddings E(1)
 * as the left factor (low-rank, the RLI path).
 */
public record FmBlock(
    boolean enabled, int tokens, int rank, Mlp mlp, Activation outputActivation) {

  public FmBlock {
    requireNonNull(mlp, "mlp is null");
    requireNonNull(outputActivation, "outputActivation is null");
  }

  /** An enabled block with the released code's MLP (one hidden layer, BN, ReLU) and no output activation. */
  public static FmBlock of(int tokens, int rank, int hidden) {
    return new FmBlock(true, tokens, rank, Mlp.of(hidden), Activation.NONE);
  }

  public FmBlock enabled(boolean value) {
    return new FmBlock(value, tokens, rank, mlp, outputActivation);
  }

  public FmBlock tokens(int value) {
    return new FmBlock(enabled, value, rank, mlp, outputActivation);
  }

  public FmBlock rank(int value) {
    return new FmBlock(enabled, tokens, value, mlp, outputActivation);
  }

  public FmBlock mlp(Mlp value) {
    return new FmBlock(enabled, tokens, rank, value, outputActivation);
  }

  public FmBlock outputActivation(Activation value) {
    return new FmBlock(enabled, tokens, rank, mlp, value);
  }
}
