package io.dlf.trainer.training;

import io.dlf.proto.model.v1.EvaluationMetrics;
import java.util.Arrays;

/** AUC and logloss over a whole split, as sklearn computes them (logloss clips to [1e-7, 1 - 1e-7]). */
public final class Metrics {
  static final double CLIP = 1e-7;

  private Metrics() {}

  public static EvaluationMetrics evaluate(float[] labels, float[] predictions) {
    return EvaluationMetrics.newBuilder()
        .setAuc(auc(labels, predictions))
        .setLogloss(logloss(labels, predictions))
        .setExamples(labels.length)
        .build();
  }

  /** Mean binary cross-entropy with predictions clipped away from 0 and 1. */
  public static double logloss(float[] labels, float[] predictions) {
    double sum = 0;
    for (int i = 0; i < labels.length; i++) {
      double p = Math.min(Math.max(predictions[i], CLIP), 1 - CLIP);
      sum -= labels[i] * Math.log(p) + (1 - labels[i]) * Math.log(1 - p);
    }
    return sum / labels.length;
  }

  /**
   * Area under the ROC curve by the rank statistic, tied predictions sharing their average rank;
   * labels above 0.5 count as positive. NaN when a class is absent.
   */
  public static double auc(float[] labels, float[] predictions) {
    int n = labels.length;
    Integer[] order = new Integer[n];
    Arrays.setAll(order, i -> i);
    Arrays.sort(order, (a, b) -> Float.compare(predictions[a], predictions[b]));
    double positiveRankSum = 0;
    long positives = 0;
    int i = 0;
    while (i < n) {
      int j = i;
      while (j + 1 < n && predictions[order[j + 1]] == predictions[order[i]]) {
        j++;
      }
      double averageRank = (i + j) / 2.0 + 1;
      for (int k = i; k <= j; k++) {
        if (labels[order[k]] > 0.5f) {
          positiveRankSum += averageRank;
          positives++;
        }
      }
      i = j + 1;
    }
    long negatives = n - positives;
    if (positives == 0 || negatives == 0) {
      return Double.NaN;
    }
    return (positiveRankSum - positives * (positives + 1) / 2.0) / ((double) positives * negatives);
  }
}
