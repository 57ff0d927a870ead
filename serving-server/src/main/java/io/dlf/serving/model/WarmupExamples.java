package io.dlf.serving.model;

import io.dlf.dsl.encode.RawBatch;
import io.dlf.dsl.encode.RawColumnSource;
import io.dlf.dsl.spec.Feature;
import java.util.Arrays;
import java.util.List;

/**
 * Synthetic examples that run every op of a model, so a freshly loaded version has paid its
 * first-call costs (allocations, kernel selection) before it answers a client.
 */
public final class WarmupExamples {
  private WarmupExamples() {}

  /** {@code size} examples: unseen categorical values, missing numbers, empty histories. */
  public static RawBatch of(List<Feature> inputs, int size) {
    return RawBatch.of(inputs, size, new RawColumnSource() {
      @Override
      public String[] categorical(Feature feature) {
        String[] values = new String[size];
        Arrays.fill(values, "");
        return values;
      }

      @Override
      public float[] numeric(Feature feature) {
        float[] values = new float[size];
        Arrays.fill(values, Float.NaN);
        return values;
      }

      @Override
      public String[][] sequence(Feature feature) {
        String[][] values = new String[size][];
        Arrays.fill(values, new String[0]);
        return values;
      }
    });
  }
}
