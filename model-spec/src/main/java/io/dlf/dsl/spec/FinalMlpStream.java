package io.dlf.dsl.spec;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * One of FinalMLP's two streams: a feature-selection gate, computed from the stream's context,
 * scales the flattened field embeddings, and an MLP reads the gated input.
 *
 * @param fsContext the features whose embeddings, concatenated, the gate reads; empty means a
 *     learned context vector, so the gate is the same for every sample
 * @param mlp the stream's hidden layers (at least one); the last one's width is the stream's output
 * @param dropout the dropout rate after each hidden layer of {@code mlp}
 */
public record FinalMlpStream(List<String> fsContext, Mlp mlp, float dropout) {

  public FinalMlpStream {
    fsContext = List.copyOf(requireNonNull(fsContext, "fsContext is null"));
    requireNonNull(mlp, "mlp is null");
  }

  /** A stream with batch norm and ReLU in its MLP, gated by a learned context. */
  public static FinalMlpStream of(Mlp mlp, float dropout) {
    return new FinalMlpStream(List.of(), mlp, dropout);
  }

  public FinalMlpStream fsContext(List<String> value) {
    return new FinalMlpStream(value, mlp, dropout);
  }

  public FinalMlpStream mlp(Mlp value) {
    return new FinalMlpStream(fsContext, value, dropout);
  }

  public FinalMlpStream dropout(float value) {
    return new FinalMlpStream(fsContext, mlp, value);
  }
}
