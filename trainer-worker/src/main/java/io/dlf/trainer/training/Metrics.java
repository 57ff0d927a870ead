package io.dlf.trainer.training;

import io.dlf.proto.model.v1.EvaluationMetrics;
import io.dlf.proto.model.v1.RocPoint;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * AUC, logloss and the ROC curve over a whole split, as sklearn computes them (logloss clips to
 * [1e-7, 1 - 1e-7]).
 */
public final class Metrics {
  static final double CLIP = 1e-7;
  /** The most points {@link #roc} keeps; a smooth curve keeps about half as many. */
  public static final int ROC_POINTS = 200;

  private Metrics() {}

  public static EvaluationMetrics evaluate(float[] labels, float[] predictions) {
    return EvaluationMetrics.newBuilder()
        .setAuc(auc(labels, predictions))
        .setLogloss(logloss(labels, predictions))
        .setExamples(labels.length)
        .build();
  }

  /** {@link #evaluate} with the ROC curve, for the test split. */
  public static EvaluationMetrics evaluateWithRoc(float[] labels, float[] predictions) {
    return evaluate(labels, predictions).toBuilder().addAllRoc(roc(labels, predictions)).build();
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
    Integer[] order = ascending(predictions);
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

  /**
   * The ROC curve at every distinct prediction, labels above 0.5 positive, thinned to at most
   * {@link #ROC_POINTS}; empty when a class is absent. Tied predictions share one threshold, so a
   * tie is one straight segment and the full curve's trapezoid area is exactly {@link #auc}.
   */
  public static List<RocPoint> roc(float[] labels, float[] predictions) {
    Integer[] order = ascending(predictions);
    long positives = 0;
    for (float label : labels) {
      if (label > 0.5f) {
        positives++;
      }
    }
    long negatives = labels.length - positives;
    if (positives == 0 || negatives == 0) {
      return List.of();
    }
    List<RocPoint> curve = new ArrayList<>();
    curve.add(point(Double.POSITIVE_INFINITY, 0, 0));
    long truePositives = 0;
    long falsePositives = 0;
    int i = order.length - 1;
    while (i >= 0) {
      float threshold = predictions[order[i]];
      // Float.compare, as in the sort, so a NaN prediction ends its own group instead of looping.
      for (; i >= 0 && Float.compare(predictions[order[i]], threshold) == 0; i--) {
        if (labels[order[i]] > 0.5f) {
          truePositives++;
        } else {
          falsePositives++;
        }
      }
      curve.add(point(threshold, (double) falsePositives / negatives, (double) truePositives / positives));
    }
    return thin(curve);
  }

  /**
   * Keeps the ends and each point whose successor lies more than a step (in FPR + TPR) beyond the
   * last point kept. Any two consecutive chords then span more than a step of the curve's length 2,
   * which bounds the count; each chord replaces one original segment or a run shorter than a step,
   * which bounds the area it cuts off.
   */
  private static List<RocPoint> thin(List<RocPoint> curve) {
    if (curve.size() <= ROC_POINTS) {
      return curve;
    }
    double step = 4.0 / (ROC_POINTS - 1);
    List<RocPoint> kept = new ArrayList<>();
    RocPoint last = curve.get(0);
    kept.add(last);
    for (int i = 1; i < curve.size() - 1; i++) {
      if (distance(last, curve.get(i + 1)) > step) {
        last = curve.get(i);
        kept.add(last);
      }
    }
    kept.add(curve.get(curve.size() - 1));
    return kept;
  }

  private static double distance(RocPoint a, RocPoint b) {
    return b.getFalsePositiveRate() - a.getFalsePositiveRate() + b.getTruePositiveRate() - a.getTruePositiveRate();
  }

  private static RocPoint point(double threshold, double falsePositiveRate, double truePositiveRate) {
    return RocPoint.newBuilder().setThreshold(threshold).setFalsePositiveRate(falsePositiveRate)
        .setTruePositiveRate(truePositiveRate).build();
  }

  private static Integer[] ascending(float[] predictions) {
    Integer[] order = new Integer[predictions.length];
    Arrays.setAll(order, i -> i);
    Arrays.sort(order, (a, b) -> Float.compare(predictions[a], predictions[b]));
    return order;
  }
}
