package io.dlf.serving.predict;

/** Hears what one version's batcher does, for metrics. */
public interface BatchObserver {
  BatchObserver NONE = new BatchObserver() {
    @Override
    public void queued(long nanos) {}

    @Override
    public void executed(int examples) {}

    @Override
    public void queueLength(int requests) {}
  };

  /** A request waited this long between entering the queue and its batch starting. */
  void queued(long nanos);

  /** One TensorFlow call scored this many examples. */
  void executed(int examples);

  /** The queue now holds this many requests (called under the queue's lock, so the last call is current). */
  void queueLength(int requests);

  /** Makes the observer of one model version. */
  interface Factory {
    BatchObserver forVersion(String model, long version);
  }
}
