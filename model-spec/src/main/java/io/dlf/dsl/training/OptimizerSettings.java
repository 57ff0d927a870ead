package io.dlf.dsl.training;

import static java.util.Objects.requireNonNull;

/**
 * Adam and gradient clipping, as FuxiCTR trains: PyTorch's Adam defaults and a global-norm clip of
 * 10; embedding tables are updated densely while small, row-wise once large ({@link EmbeddingUpdates#AUTO}).
 *
 * @param clipNorm gradients are scaled so their global L2 norm is at most this; 0 disables clipping
 * @param embeddingUpdates which rows of the embedding tables a step updates; dense layers always
 *     get dense Adam
 */
public record OptimizerSettings(float beta1, float beta2, float epsilon, float clipNorm,
    EmbeddingUpdates embeddingUpdates) {

  public OptimizerSettings {
    requireNonNull(embeddingUpdates, "embeddingUpdates is null");
  }

  public static OptimizerSettings defaults() {
    return new OptimizerSettings(0.9f, 0.999f, 1e-8f, 10f, EmbeddingUpdates.AUTO);
  }

  public OptimizerSettings clipNorm(float value) {
    return new OptimizerSettings(beta1, beta2, epsilon, value, embeddingUpdates);
  }

  public OptimizerSettings embeddingUpdates(EmbeddingUpdates value) {
    return new OptimizerSettings(beta1, beta2, epsilon, clipNorm, value);
  }
}
