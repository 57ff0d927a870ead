package io.dlf.dsl.spec;

/**
 * The embedding layer: every field becomes one {@code dim}-dimensional token. Table rows 1..V-1
 * start from N(0, initStddev^2); row 0 is padding and stays zero.
 */
public record Embedding(int dim, float initStddev) {

  /** The paper's and the released code's D. */
  public static final int DEFAULT_DIM = 64;

  /** FuxiCTR's embedding initialisation. */
  public static final float DEFAULT_INIT_STDDEV = 1e-4f;

  public static Embedding of(int dim) {
    return new Embedding(dim, DEFAULT_INIT_STDDEV);
  }

  public Embedding initStddev(float value) {
    return new Embedding(dim, value);
  }
}
