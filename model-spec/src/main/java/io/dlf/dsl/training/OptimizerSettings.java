package io.dlf.dsl.training;

import static java.util.Objects.requireNonNull;

/**
 * Adam and gradient clipping, as FuxiCTR trains: PyTorch's Adam defaults and a global-norm clip of
 * 10; embedding tables are updated densely while small, row-wise once large ({@link EmbeddingUpdates#AUTO}).
 *
 * @param clipNorm gradients are scaled so their global L2 norm is at most this; 0 disables clipping
 * @param embeddingUpdates which rows of the embedding tables a step updates; dense layers always
 *     get dense Adam
 * @param microBatches how many consecutive parts a step's batch is differentiated in, one after
 *     another, their gradients summed before one update: the same gradients (but for batch norm,
 *     whose statistics are each part's), with the activations of one part held at a time
 */
public record OptimizerSettings(float beta1, float beta2, float epsilon, float clipNorm,
    EmbeddingUpdates embeddingUpdates, int microBatches) {
  public static final int MAX_MICRO_BATCHES = 64;

  public OptimizerSettings {
    requireNonNull(embeddingUpdates, "embeddingUpdates is null");
    if (microBatches < 1 || microBatches > MAX_MICRO_BATCHES) {
      throw new IllegalArgumentException("training.micro_batches: " + microBatches + " must be from 1 to "
          + MAX_MICRO_BATCHES);
    }
  }

  public static OptimizerSettings defaults() {
    return new OptimizerSettings(0.9f, 0.999f, 1e-8f, 10f, EmbeddingUpdates.AUTO, 1);
  }

  public OptimizerSettings clipNorm(float value) {
    return new OptimizerSettings(beta1, beta2, epsilon, value, embeddingUpdates, microBatches);
  }

  public OptimizerSettings embeddingUpdates(EmbeddingUpdates value) {
    return new OptimizerSettings(beta1, beta2, epsilon, clipNorm, value, microBatches);
  }

  public OptimizerSettings microBatches(int value) {
    return new OptimizerSettings(beta1, beta2, epsilon, clipNorm, embeddingUpdates, value);
  }
}
