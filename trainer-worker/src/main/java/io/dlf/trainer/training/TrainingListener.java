package io.dlf.trainer.training;

import io.dlf.proto.model.v1.EpochMetrics;
import io.dlf.proto.model.v1.TrainingMetrics;
import java.util.List;

/** Hears a run's progress. Called on the training thread: return quickly. */
public interface TrainingListener {

  /**
   * A window of training steps finished.
   *
   * @param step 1-based step within the epoch
   * @param loss the mean log loss of the window's batches
   * @param samplesPerSecond training throughput over the window
   */
  default void onProgress(int epoch, int step, int stepsPerEpoch, double loss, double samplesPerSecond) {}

  /**
   * As {@link #onProgress(int, int, int, double, double)}, with each worker task's own throughput
   * over the window (one figure in one process, one per worker task on a cluster); by default it
   * passes the rest on.
   */
  default void onProgress(int epoch, int step, int stepsPerEpoch, double loss, double samplesPerSecond,
      List<Double> taskSamplesPerSecond) {
    onProgress(epoch, step, stepsPerEpoch, loss, samplesPerSecond);
  }

  /** An epoch finished and was evaluated on the validation split. */
  default void onEpoch(EpochMetrics metrics, boolean improved) {}

  /** The best checkpoint was evaluated on validation and test. */
  default void onFinish(TrainingMetrics metrics) {}

  TrainingListener NONE = new TrainingListener() {};
}
