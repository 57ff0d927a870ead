package io.dlf.dsl.encode;

import java.util.Map;

/**
 * Examples as raw feature values, column by column: what a client sends.
 *
 * @param strings categorical features: one value per example
 * @param numbers numeric features: one value per example, NaN where missing
 * @param sequences sequence features: per example, the tokens oldest first
 */
public record RawBatch(
    int size, Map<String, String[]> strings, Map<String, float[]> numbers, Map<String, String[][]> sequences) {

  public RawBatch {
    strings = Map.copyOf(strings);
    numbers = Map.copyOf(numbers);
    sequences = Map.copyOf(sequences);
  }
}
