package io.dlf.dsl.spec;

import static java.util.Objects.requireNonNull;

/** The implicit block (Wukong's LCB): a learned linear mix of the current tokens into {@code tokens} tokens. */
public record ImplicitBlock(boolean enabled, int tokens, boolean bias, Activation outputActivation) {

  public ImplicitBlock {
    requireNonNull(outputActivation, "outputActivation is null");
  }

  /** The released code's form: no bias, no activation. */
  public static ImplicitBlock of(int tokens) {
    return new ImplicitBlock(true, tokens, false, Activation.NONE);
  }

  public ImplicitBlock enabled(boolean value) {
    return new ImplicitBlock(value, tokens, bias, outputActivation);
  }

  public ImplicitBlock tokens(int value) {
    return new ImplicitBlock(enabled, value, bias, outputActivation);
  }

  public ImplicitBlock bias(boolean value) {
    return new ImplicitBlock(enabled, tokens, value, outputActivation);
  }

  public ImplicitBlock outputActivation(Activation value) {
    return new ImplicitBlock(enabled, tokens, bias, value);
  }
}
