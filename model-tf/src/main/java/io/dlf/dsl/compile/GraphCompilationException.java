package io.dlf.dsl.compile;

/** A model spec that cannot become a trainable TensorFlow graph. */
public final class GraphCompilationException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public GraphCompilationException(String message) {
    super(message);
  }
}
