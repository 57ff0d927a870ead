package io.dlf.dsl.spec;

/**
 * L2 penalties added to the loss every step, FuxiCTR style: (lambda/2)*||W||^2 over whole tables
 * (embeddingL2) and over every other parameter (netL2).
 */
public record Regularization(float embeddingL2, float netL2) {

  public static Regularization none() {
    return new Regularization(0f, 0f);
  }

  public Regularization embeddingL2(float value) {
    return new Regularization(value, netL2);
  }

  public Regularization netL2(float value) {
    return new Regularization(embeddingL2, value);
  }
}
