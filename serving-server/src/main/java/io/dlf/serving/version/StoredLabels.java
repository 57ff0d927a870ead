package io.dlf.serving.version;

import java.util.Map;

/** What a model's labels file held when it was read: nothing (no file), its labels, or why it cannot be read. */
sealed interface StoredLabels {
  /** The model has no labels file: the labels from the command line apply. */
  record Absent() implements StoredLabels {}

  record Written(long generation, Map<String, Long> labels) implements StoredLabels {
    public Written {
      labels = Map.copyOf(labels);
    }
  }

  /** @param error naming the file and what is wrong with it */
  record Unreadable(String error) implements StoredLabels {}
}
