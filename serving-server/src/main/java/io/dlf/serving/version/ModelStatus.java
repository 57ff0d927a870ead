package io.dlf.serving.version;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;

/**
 * One model's versions and labels.
 *
 * @param versions ascending
 * @param labels label to version, the labels in force; only AVAILABLE versions
 * @param latest the version a request naming neither version nor label gets; 0 when none
 * @param policy the version policy in force
 * @param labelsFile the model's labels file as last read, with what keeps labels in it from taking effect
 */
public record ModelStatus(String name, List<VersionStatus> versions, Map<String, Long> labels, long latest,
    VersionPolicy policy, LabelsFileStatus labelsFile) {
  public ModelStatus {
    requireNonNull(name, "name is null");
    versions = List.copyOf(versions);
    labels = Map.copyOf(labels);
    requireNonNull(policy, "policy is null");
    requireNonNull(labelsFile, "labelsFile is null");
  }
}
