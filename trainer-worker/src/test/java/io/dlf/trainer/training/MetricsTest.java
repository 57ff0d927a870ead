package io.dlf.trainer.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dlf.proto.model.v1.RocPoint;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class MetricsTest {
  /** 300 labels (about 30% positive) and predictions rounded to tenths, so many tie. */
  private record Scored(float[] labels, float[] predictions) {
    static Scored withTies() {
      Random random = new Random(4);
      float[] labels = new float[300];
      float[] predictions = new float[300];
      for (int i = 0; i < labels.length; i++) {
        labels[i] = random.nextFloat() < 0.3f ? 1 : 0;
        predictions[i] = Math.round((random.nextFloat() + labels[i] * 0.4f) * 10) / 10f;
      }
      return new Scored(labels, predictions);
    }
  }

  @Test
  void aucMatchesThePairwiseDefinitionWithTies() {
    Scored sample = Scored.withTies();
    float[] labels = sample.labels();
    float[] predictions = sample.predictions();
    double pairs = 0;
    double wins = 0;
    for (int i = 0; i < labels.length; i++) {
      for (int j = 0; j < labels.length; j++) {
        if (labels[i] == 1 && labels[j] == 0) {
          pairs++;
          wins += predictions[i] > predictions[j] ? 1 : predictions[i] == predictions[j] ? 0.5 : 0;
        }
      }
    }
    assertEquals(wins / pairs, Metrics.auc(labels, predictions), 1e-12);
  }

  @Test
  void aucEdgeCases() {
    assertEquals(1.0, Metrics.auc(new float[] {0, 1}, new float[] {0.1f, 0.9f}));
    assertEquals(0.5, Metrics.auc(new float[] {0, 1, 0, 1}, new float[] {0.5f, 0.5f, 0.5f, 0.5f}));
    assertTrue(Double.isNaN(Metrics.auc(new float[] {1, 1}, new float[] {0.2f, 0.3f})));
  }

  @Test
  void rocWithTiesIsExactAndItsAreaIsTheAuc() {
    Scored sample = Scored.withTies();
    float[] labels = sample.labels();
    float[] predictions = sample.predictions();
    List<RocPoint> roc = Metrics.roc(labels, predictions);
    assertCurve(roc);
    long distinct = IntStream.range(0, predictions.length).mapToDouble(i -> predictions[i]).distinct().count();
    assertEquals(distinct + 1, roc.size(), "one point per tied group, none thinned");
    assertEquals(Metrics.auc(labels, predictions), area(roc), 1e-12);
  }

  @Test
  void rocOfALargeSplitIsThinnedAndKeepsItsArea() {
    Random random = new Random(9);
    float[] labels = new float[50_000];
    float[] predictions = new float[labels.length];
    for (int i = 0; i < labels.length; i++) {
      labels[i] = random.nextFloat() < 0.2f ? 1 : 0;
      predictions[i] = (float) (1 / (1 + Math.exp(-(random.nextGaussian() + 1.5 * labels[i]))));
    }
    List<RocPoint> roc = Metrics.roc(labels, predictions);
    assertCurve(roc);
    assertTrue(roc.size() <= Metrics.ROC_POINTS && roc.size() >= 50, "points: " + roc.size());
    assertEquals(Metrics.auc(labels, predictions), area(roc), 1e-4);
  }

  @Test
  void rocEdgeCases() {
    assertEquals(List.of(), Metrics.roc(new float[] {1, 1}, new float[] {0.2f, 0.3f}));
    List<RocPoint> allTied = Metrics.roc(new float[] {0, 1, 0, 1}, new float[] {0.5f, 0.5f, 0.5f, 0.5f});
    assertEquals(2, allTied.size());
    assertCurve(allTied);
    assertEquals(0.5, allTied.get(1).getThreshold());
  }

  /** From (0, 0) at +Infinity to (1, 1), thresholds falling and both rates rising. */
  private static void assertCurve(List<RocPoint> roc) {
    RocPoint first = roc.get(0);
    RocPoint last = roc.get(roc.size() - 1);
    assertEquals(List.of(Double.POSITIVE_INFINITY, 0.0, 0.0),
        List.of(first.getThreshold(), first.getFalsePositiveRate(), first.getTruePositiveRate()));
    assertEquals(List.of(1.0, 1.0), List.of(last.getFalsePositiveRate(), last.getTruePositiveRate()));
    for (int i = 1; i < roc.size(); i++) {
      RocPoint a = roc.get(i - 1);
      RocPoint b = roc.get(i);
      assertTrue(b.getThreshold() < a.getThreshold() && b.getFalsePositiveRate() >= a.getFalsePositiveRate()
          && b.getTruePositiveRate() >= a.getTruePositiveRate(), a + " then " + b);
    }
  }

  private static double area(List<RocPoint> roc) {
    double area = 0;
    for (int i = 1; i < roc.size(); i++) {
      RocPoint a = roc.get(i - 1);
      RocPoint b = roc.get(i);
      area += (b.getFalsePositiveRate() - a.getFalsePositiveRate())
          * (a.getTruePositiveRate() + b.getTruePositiveRate()) / 2;
    }
    return area;
  }

  @Test
  void loglossClipsPredictions() {
    assertEquals(-Math.log(0.8), Metrics.logloss(new float[] {1}, new float[] {0.8f}), 1e-6);
    assertEquals(-Math.log(1e-7), Metrics.logloss(new float[] {1}, new float[] {0f}), 1e-6);
  }
}
