package io.dlf.dsl.spec;

/** Element-wise activations a block may apply. */
public enum Activation {
  NONE,
  RELU,
  GELU,
  SILU,
  SIGMOID,
  TANH
}
