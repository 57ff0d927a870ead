package io.dlf.dsl.encode;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Counts one feature's tokens over the training split and keeps those seen at least min-count times. */
public final class VocabularyBuilder {
  private final String feature;
  private final int minCount;
  private final Map<String, long[]> counts = new HashMap<>();

  public VocabularyBuilder(String feature, int minCount) {
    this.feature = feature;
    this.minCount = minCount;
  }

  public void add(String token) {
    counts.computeIfAbsent(token, t -> new long[1])[0]++;
  }

  public Vocabulary build() {
    List<Map.Entry<String, long[]>> kept = new ArrayList<>();
    for (Map.Entry<String, long[]> e : counts.entrySet()) {
      if (e.getValue()[0] >= minCount) {
        kept.add(e);
      }
    }
    kept.sort(Comparator.comparingLong((Map.Entry<String, long[]> e) -> -e.getValue()[0])
        .thenComparing(Map.Entry::getKey));
    return new Vocabulary(feature, minCount, kept.stream().map(Map.Entry::getKey).toList());
  }
}
