package io.dlf.trainer.worker;

import io.dlf.dsl.cluster.ClusterLayout;
import io.dlf.server.testing.ChildJvm;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/** A cluster of {@link TaskMain} processes on loopback ports, each started and stopped with this. */
final class LoopbackCluster implements AutoCloseable {
  private static final Duration READY_WITHIN = Duration.ofMinutes(2);

  private final ClusterLayout layout;
  private final List<ChildJvm> tasks = new ArrayList<>();

  private LoopbackCluster(ClusterLayout layout) {
    this.layout = layout;
  }

  /** Starts {@code parameterServers} and {@code workers} tasks, logging under {@code logs}, and waits until each is ready. */
  static LoopbackCluster start(int parameterServers, int workers, Path logs) throws IOException, InterruptedException {
    LoopbackCluster cluster = new LoopbackCluster(new ClusterLayout(addresses(parameterServers), addresses(workers)));
    try {
      cluster.startJob(ClusterLayout.PS, parameterServers, logs);
      cluster.startJob(ClusterLayout.WORKER, workers, logs);
      for (ChildJvm task : cluster.tasks) {
        task.awaitLine(TaskMain.READY, READY_WITHIN);
      }
      return cluster;
    } catch (IOException | InterruptedException | RuntimeException | AssertionError e) {
      cluster.close();
      throw e;
    }
  }

  private static List<String> addresses(int count) throws IOException {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      out.add("localhost:" + ChildJvm.freePort());
    }
    return out;
  }

  private void startJob(String job, int count, Path logs) throws IOException {
    for (int task : IntStream.range(0, count).toArray()) {
      tasks.add(ChildJvm.start(TaskMain.class, List.of("--job", job, "--task", Integer.toString(task),
          "--ps", String.join(",", layout.parameterServers()), "--workers", String.join(",", layout.workers())),
          logs.resolve(job + "-" + task + ".log")));
    }
  }

  ClusterLayout layout() {
    return layout;
  }

  @Override
  public void close() {
    tasks.forEach(ChildJvm::close);
  }
}
