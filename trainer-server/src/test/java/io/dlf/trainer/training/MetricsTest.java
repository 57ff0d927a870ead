package io.dlf.trainer.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class MetricsTest {

  @Test
  void aucMatchesThePairwiseDefinitionWithTies() {
    Random random = new Random(4);
    float[] labels = new float[300];
    float[] predictions = new float[300];
    for (int i = 0; i < labels.length; i++) {
      labels[i] = random.nextFloat() < 0.3f ? 1 : 0;
      predictions[i] = Math.round((random.nextFloat() + labels[i] * 0.4f) * 10) / 10f; // many ties
    }
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
  void loglossClipsPredictions() {
    assertEquals(-Math.log(0.8), Metrics.logloss(new float[] {1}, new float[] {0.8f}), 1e-6);
    assertEquals(-Math.log(1e-7), Metrics.logloss(new float[] {1}, new float[] {0f}), 1e-6);
  }
}
