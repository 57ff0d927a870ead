package io.dlf.trainer.training;

import io.dlf.proto.model.v1.TrainingMetrics;
import java.util.Optional;

/**
 * How a run ended. A completed run carries its metrics and the best checkpoint's prefix; a paused
 * one only its checkpoint.
 */
public record TrainingOutcome(boolean completed, Optional<TrainingMetrics> metrics, String bestCheckpoint) {

  static TrainingOutcome completed(TrainingMetrics metrics, String bestCheckpoint) {
    return new TrainingOutcome(true, Optional.of(metrics), bestCheckpoint);
  }

  static TrainingOutcome paused() {
    return new TrainingOutcome(false, Optional.empty(), "");
  }
}
