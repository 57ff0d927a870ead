package io.dlf.dsl.export;

import io.dlf.proto.model.v1.TrainingMetrics;
import java.io.IOException;

/**
 * Measures a version as it will be served (its validation and test splits predicted by the
 * exported graph), so that a version served at a lower precision than it trained at records what
 * that costs beside the float32 figures of the same checkpoint.
 */
@FunctionalInterface
public interface ServedEvaluation {
  /** Measures nothing: metrics.json keeps the training run's figures only. */
  ServedEvaluation NONE = served -> TrainingMetrics.getDefaultInstance();

  /** {@code served_validation} and {@code served_test} of {@code served} (other fields are not read). */
  TrainingMetrics measure(ExportedModel served) throws IOException;
}
