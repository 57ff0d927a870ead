package io.dlf.trainer.worker;

import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * How long a job's chief waits for its cluster's tasks. The step timeout is a worker JVM option
 * ({@code -Ddlf.cluster.operation-timeout=PT30S}, the trainer's {@code --worker-jvm-option}), since a
 * step's time depends on the model and batch; {@code dlf.cluster.unstarted} ("ps:1,worker:0") is a
 * test's way to leave tasks unstarted, so that nobody listens at their addresses.
 */
final class ClusterTimeouts {
  /** How long a task may take to say it is ready (a JVM and TensorFlow's start). */
  static final Duration READY = Duration.ofMinutes(2);
  private static final String OPERATION = "dlf.cluster.operation-timeout";
  private static final String UNSTARTED = "dlf.cluster.unstarted";
  private static final Duration DEFAULT_OPERATION = Duration.ofMinutes(5);

  private ClusterTimeouts() {}

  /** How long a step, a restore or a save may wait for a task before it fails (5 minutes unless set). */
  static Duration operation() {
    String value = System.getProperty(OPERATION);
    return value == null ? DEFAULT_OPERATION : Duration.parse(value);
  }

  static Set<String> unstarted() {
    return Arrays.stream(System.getProperty(UNSTARTED, "").split(",")).map(String::trim).filter(s -> !s.isEmpty())
        .collect(Collectors.toUnmodifiableSet());
  }
}
