package io.dlf.serving.version;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;

/**
 * Which versions are served and how they are loaded.
 *
 * @param defaultPolicy the version policy of models without their own
 * @param policies version policies by model
 * @param labels labels set from configuration; each takes effect once its version is AVAILABLE
 * @param loadThreads versions loaded at once (few, so that loading does not slow serving down)
 * @param warmupIterations calls at batch 1 and at the max batch size before a version answers
 * @param intraOpThreads TensorFlow threads per op (1 keeps small-batch latency lowest)
 * @param interOpThreads TensorFlow threads running ops side by side; negative runs them on the
 *     calling thread
 */
public record VersionsConfig(
    VersionPolicy defaultPolicy,
    Map<String, VersionPolicy> policies,
    List<LabelAssignment> labels,
    int loadThreads,
    int warmupIterations,
    int intraOpThreads,
    int interOpThreads) {

  public VersionsConfig {
    requireNonNull(defaultPolicy, "defaultPolicy is null");
    policies = Map.copyOf(policies);
    labels = List.copyOf(labels);
    if (loadThreads < 1) {
      throw new IllegalArgumentException("load threads " + loadThreads + " must be at least 1");
    }
    if (warmupIterations < 0) {
      throw new IllegalArgumentException("warm-up iterations " + warmupIterations + " must not be negative");
    }
  }

  /** Latest version of every model, no labels, one load at a time, 2 warm-up rounds, ops on the calling thread. */
  public static VersionsConfig defaults() {
    return new VersionsConfig(VersionPolicy.latest(), Map.of(), List.of(), 1, 2, 1, -1);
  }

  public VersionPolicy policyOf(String model) {
    return policies.getOrDefault(model, defaultPolicy);
  }

  public VersionsConfig withDefaultPolicy(VersionPolicy value) {
    return new VersionsConfig(value, policies, labels, loadThreads, warmupIterations, intraOpThreads, interOpThreads);
  }

  public VersionsConfig withPolicies(Map<String, VersionPolicy> value) {
    return new VersionsConfig(defaultPolicy, value, labels, loadThreads, warmupIterations, intraOpThreads,
        interOpThreads);
  }

  public VersionsConfig withIntraOpThreads(int value) {
    return new VersionsConfig(defaultPolicy, policies, labels, loadThreads, warmupIterations, value, interOpThreads);
  }

  public VersionsConfig withLabels(List<LabelAssignment> value) {
    return new VersionsConfig(defaultPolicy, policies, value, loadThreads, warmupIterations, intraOpThreads,
        interOpThreads);
  }
}
