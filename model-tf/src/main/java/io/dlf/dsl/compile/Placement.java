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
 * Synchronous on a cluster, one graph holds a training tower per worker, each placed there.
 */
public final class Placement {
  private static final DeviceSpec ANYWHERE = DeviceSpec.newBuilder().build();

  private final Optional<ClusterLayout> cluster;
  private final int worker;
  private final int towers;
  private final long[] bytes;

  private Placement(Optional<ClusterLayout> cluster, int worker, int towers) {
    this.cluster = cluster;
    this.worker = worker;
    this.towers = towers;
    this.bytes = new long[cluster.map(c -> c.parameterServers().size()).orElse(1)];
  }

  /** Everything in one process, unplaced. */
  public static Placement local() {
    return new Placement(Optional.empty(), 0, 1);
  }

  /** The graph that worker {@code worker} of {@code cluster} runs: its compute there, the variables on the parameter servers. */
  public static Placement onCluster(ClusterLayout cluster, int worker) {
    if (worker < 0 || worker >= cluster.workers().size()) {
      throw new IllegalArgumentException("the cluster has workers 0 to " + (cluster.workers().size() - 1)
          + ", got " + worker);
    }
    return new Placement(Optional.of(cluster), worker, 1);
  }

  /**
   * The one graph of synchronous training on {@code cluster}: a training tower per worker on that
   * worker, the rest (evaluation, the optimizer's arithmetic) on worker 0, the variables on the
   * parameter servers.
   */
  public static Placement synchronous(ClusterLayout cluster) {
    return new Placement(Optional.of(cluster), 0, cluster.workers().size());
  }

  /** {@code ops} placed on the worker (unchanged in one process). */
  Ops compute(Ops ops) {
    return tower(ops, 0);
  }

  /** How many training towers the graph has: one per worker when synchronous, else one. */
  int towers() {
    return towers;
  }

  /** {@code ops} placed on the worker of tower {@code tower}, counted from this graph's worker (unchanged in one process). */
  Ops tower(Ops ops, int tower) {
    return cluster.map(c -> ops.withDevice(c.worker(worker + tower))).orElse(ops);
  }

  /** The device name of tower {@code tower}'s worker, as a GraphDef node names it. */
  String towerDevice(int tower) {
    return cluster.map(c -> c.worker(worker + tower).toString()).orElse("");
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
