package io.dlf.dsl.compile;

import io.dlf.dsl.cluster.ClusterLayout;
import java.util.Optional;
import org.tensorflow.DeviceSpec;
import org.tensorflow.op.Ops;

/**
 * Where a training graph's ops run. In one process nothing is placed (TensorFlow picks, as before
 * clusters existed). On a cluster the compute runs on one worker, every variable lives on a
 * parameter server: each embedding table split by rows over all of them (see {@link EmbeddingTable}),
 * every other variable whole on the one holding the fewest bytes so far, in creation order (a
 * greedy balance by size, as TensorFlow's byte-size load-balancing strategy places variables).
 */
public final class Placement {
  private static final DeviceSpec ANYWHERE = DeviceSpec.newBuilder().build();

  private final Optional<ClusterLayout> cluster;
  private final int worker;
  private final long[] bytes;

  private Placement(Optional<ClusterLayout> cluster, int worker) {
    this.cluster = cluster;
    this.worker = worker;
    this.bytes = new long[cluster.map(c -> c.parameterServers().size()).orElse(1)];
  }

  /** Everything in one process, unplaced. */
  public static Placement local() {
    return new Placement(Optional.empty(), 0);
  }

  /** The graph that worker {@code worker} of {@code cluster} runs: its compute there, the variables on the parameter servers. */
  public static Placement onCluster(ClusterLayout cluster, int worker) {
    if (worker < 0 || worker >= cluster.workers().size()) {
      throw new IllegalArgumentException("the cluster has workers 0 to " + (cluster.workers().size() - 1)
          + ", got " + worker);
    }
    return new Placement(Optional.of(cluster), worker);
  }

  /** {@code ops} placed on the worker (unchanged in one process). */
  Ops compute(Ops ops) {
    return cluster.map(c -> ops.withDevice(c.worker(worker))).orElse(ops);
  }

  /** How many row partitions a table of {@code rows} rows gets: one per parameter server, at most one per row. */
  int partitions(long rows) {
    return (int) Math.min(bytes.length, rows);
  }

  /** The device of partition {@code partition} of a table, which adds {@code size} floats there. */
  DeviceSpec partition(int partition, long size) {
    bytes[partition] += size * Float.BYTES;
    return device(partition);
  }

  /** The device for a variable of {@code size} floats: the parameter server holding the fewest bytes so far. */
  DeviceSpec variable(long size) {
    int least = 0;
    for (int i = 1; i < bytes.length; i++) {
      if (bytes[i] < bytes[least]) {
        least = i;
      }
    }
    return partition(least, size);
  }

  private DeviceSpec device(int parameterServer) {
    return cluster.map(c -> c.parameterServer(parameterServer)).orElse(ANYWHERE);
  }
}
