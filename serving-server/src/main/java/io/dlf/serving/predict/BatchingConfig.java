package io.dlf.serving.predict;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * How requests to one model version are queued and scored.
 *
 * @param enabled merge queued requests into one TensorFlow call; when off, each request is scored
 *     alone (still queued, bounded and deadline-checked)
 * @param maxBatchSize the most examples merged into one call (a larger request runs alone)
 * @param maxQueueDelay how long the oldest queued request may wait for others to fill a batch; 0
 *     scores at once whatever is queued, which still batches under load because requests pile up
 *     while a batch runs
 * @param maxQueueSize the most requests waiting per version; one more is refused with
 *     RESOURCE_EXHAUSTED instead of queuing without bound
 * @param maxConcurrentBatches the most batches of one version running at once (each on one core
 *     with the default session settings)
 * @param maxExamplesPerRequest the largest batch a single request may carry
 */
public record BatchingConfig(
    boolean enabled,
    int maxBatchSize,
    Duration maxQueueDelay,
    int maxQueueSize,
    int maxConcurrentBatches,
    int maxExamplesPerRequest) {

  public BatchingConfig {
    requireNonNull(maxQueueDelay, "maxQueueDelay is null");
    atLeastOne("max batch size", maxBatchSize);
    atLeastOne("max queue size", maxQueueSize);
    atLeastOne("max concurrent batches", maxConcurrentBatches);
    atLeastOne("max examples per request", maxExamplesPerRequest);
    if (maxQueueDelay.isNegative()) {
      throw new IllegalArgumentException("max queue delay " + maxQueueDelay + " must not be negative");
    }
  }

  private static void atLeastOne(String what, int value) {
    if (value < 1) {
      throw new IllegalArgumentException(what + " " + value + " must be at least 1");
    }
  }

  /** Batching on, up to 256 examples per call, no added delay, 1024 queued requests, one batch per core. */
  public static BatchingConfig defaults() {
    return new BatchingConfig(true, 256, Duration.ZERO, 1024, Runtime.getRuntime().availableProcessors(), 4096);
  }

  public BatchingConfig withEnabled(boolean value) {
    return new BatchingConfig(value, maxBatchSize, maxQueueDelay, maxQueueSize, maxConcurrentBatches,
        maxExamplesPerRequest);
  }

  public BatchingConfig withMaxBatchSize(int value) {
    return new BatchingConfig(enabled, value, maxQueueDelay, maxQueueSize, maxConcurrentBatches, maxExamplesPerRequest);
  }

  public BatchingConfig withMaxQueueDelay(Duration value) {
    return new BatchingConfig(enabled, maxBatchSize, value, maxQueueSize, maxConcurrentBatches, maxExamplesPerRequest);
  }

  public BatchingConfig withMaxQueueSize(int value) {
    return new BatchingConfig(enabled, maxBatchSize, maxQueueDelay, value, maxConcurrentBatches, maxExamplesPerRequest);
  }

  public BatchingConfig withMaxConcurrentBatches(int value) {
    return new BatchingConfig(enabled, maxBatchSize, maxQueueDelay, maxQueueSize, value, maxExamplesPerRequest);
  }

  public BatchingConfig withMaxExamplesPerRequest(int value) {
    return new BatchingConfig(enabled, maxBatchSize, maxQueueDelay, maxQueueSize, maxConcurrentBatches, value);
  }
}
