package io.dlf.trainer.training;

import io.dlf.dsl.export.ServedEvaluation;
import io.dlf.proto.model.v1.TrainingMetrics;
import io.dlf.trainer.encode.PreparedData;
import io.dlf.trainer.encode.SplitPredictions;

/** A version's validation and test figures as served: its exported graph predicting the encoded splits. */
public final class ServedSplits {
  private ServedSplits() {}

  /** Measures {@code data}'s validation and test splits, {@code batchSize} rows per call, as the trainer evaluates. */
  public static ServedEvaluation of(PreparedData data, int batchSize) {
    return served -> {
      SplitPredictions validation = data.validation().predictAll(batchSize, served::predictEncoded);
      SplitPredictions test = data.test().predictAll(batchSize, served::predictEncoded);
      return TrainingMetrics.newBuilder()
          .setServedValidation(Metrics.evaluate(validation.labels(), validation.probabilities()))
          .setServedTest(Metrics.evaluateWithRoc(test.labels(), test.probabilities()))
          .build();
    };
  }
}
