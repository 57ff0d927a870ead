package io.dlf.dsl.compile;

import io.dlf.dsl.Frappe;
import io.dlf.dsl.encode.EncodedBatch;
import java.util.Map;
import java.util.Random;

/** Random Frappe-shaped rows: an id of each field's vocabulary (neither padding nor the last id), a third clicked. */
record RandomFrappeBatch(EncodedBatch inputs, float[] labels) {

  static RandomFrappeBatch of(Random random, int rows) {
    int fields = Frappe.FIELDS.size();
    int[] ids = new int[rows * fields];
    float[] labels = new float[rows];
    for (int i = 0; i < rows; i++) {
      for (int f = 0; f < fields; f++) {
        ids[i * fields + f] = 1 + random.nextInt(Frappe.VOCABULARY_SIZES.get(Frappe.FIELDS.get(f)) - 2);
      }
      labels[i] = random.nextFloat() < 0.33f ? 1f : 0f;
    }
    return new RandomFrappeBatch(new EncodedBatch(rows, ids, new float[0], Map.of()), labels);
  }
}
