package io.dlf.serving.version;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;

/**
 * A model's labels file as this server last read it.
 *
 * @param path where it is
 * @param generation the generation in force; 0 while the model has no labels file
 * @param pending labels that do not point at their version yet because it is loading, label to version
 * @param errors why the file, or a label in it, is not in force; the labels in force stay as they were
 */
public record LabelsFileStatus(String path, long generation, Map<String, Long> pending, List<String> errors) {
  public LabelsFileStatus {
    requireNonNull(path, "path is null");
    pending = Map.copyOf(pending);
    errors = List.copyOf(errors);
  }
}
