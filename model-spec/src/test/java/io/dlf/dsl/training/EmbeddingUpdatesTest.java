package io.dlf.dsl.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class EmbeddingUpdatesTest {

  @Test
  void autoUpdatesDenselyBelowAMillionRowsAndRowWiseFromThere() {
    assertEquals(EmbeddingUpdates.AUTO, OptimizerSettings.defaults().embeddingUpdates());
    assertFalse(EmbeddingUpdates.AUTO.rowWise(5_400));
    assertFalse(EmbeddingUpdates.AUTO.rowWise(EmbeddingUpdates.AUTO_ROW_WISE_ROWS - 1));
    assertTrue(EmbeddingUpdates.AUTO.rowWise(EmbeddingUpdates.AUTO_ROW_WISE_ROWS));
    assertTrue(EmbeddingUpdates.ROW_WISE.rowWise(10));
    assertFalse(EmbeddingUpdates.DENSE.rowWise(10_000_000));
  }
}
