package io.dlf.serving.model;

import io.dlf.dsl.encode.RawBatch;
import io.dlf.dsl.spec.Feature;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Synthetic examples that run every op of a model, so a freshly loaded version has paid its
 * first-call costs (allocations, kernel selection) before it answers a client.
 */
public final class WarmupExamples {
  private WarmupExamples() {}

  /** {@code size} examples: unseen categorical values, missing numbers, short histories. */
  public static RawBatch of(List<Feature> inputs, int size) {
    Map<String, String[]> strings = new HashMap<>();
    Map<String, float[]> numbers = new HashMap<>();
    Map<String, String[][]> sequences = new HashMap<>();
    for (Feature f : inputs) {
      switch (f.kind()) {
        case CATEGORICAL -> {
          String[] values = new String[size];
          Arrays.fill(values, "");
          strings.put(f.name(), values);
        }
        case NUMERIC -> {
          float[] values = new float[size];
          Arrays.fill(values, Float.NaN);
          numbers.put(f.name(), values);
        }
        case SEQUENCE -> {
          String[][] values = new String[size][];
          Arrays.fill(values, new String[] {""});
          sequences.put(f.name(), values);
        }
      }
    }
    return new RawBatch(size, strings, numbers, sequences);
  }
}
