package io.dlf.trainer.training;

import io.dlf.dsl.cluster.ClusterLayout;
import io.dlf.dsl.compile.FieldLayout;
import io.dlf.dsl.compile.Placement;
import io.dlf.dsl.compile.TrainingGraph;
import io.dlf.dsl.plan.ModelPlan;
import io.dlf.dsl.training.OptimizerSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.tensorflow.RemoteSessions;
import org.tensorflow.Session;
import org.tensorflow.proto.ConfigProto;

/**
 * The replicas of a cluster. Asynchronous: one per worker task, worker {@code k}'s graph
 * ({@link Placement#onCluster}) in a session whose master is that task's server. The graphs name
 * their variables alike, so every session reads and updates the same variables on the parameter
 * servers; only the chief's session initialises or restores them. Synchronous: one replica whose
 * graph has a training tower per worker ({@link Placement#synchronous}), in a session on worker 0.
 *
 * @param operationTimeout how long a step may wait for a task before it fails, so that a step
 *     against a task that died or cannot be reached ends with an error instead of blocking
 * @param synchronous whether the workers share each batch and apply its gradients together
 */
public record ClusterReplicas(ClusterLayout layout, Duration operationTimeout, boolean synchronous)
    implements Replicas {

  /** Asynchronous replicas. */
  public ClusterReplicas(ClusterLayout layout, Duration operationTimeout) {
    this(layout, operationTimeout, false);
  }

  @Override
  public List<Replica> open(ModelPlan plan, FieldLayout fields, long seed, OptimizerSettings optimizer,
      ConfigProto config) {
    if (synchronous) {
      TrainingGraph graph = TrainingGraph.build(plan, fields, seed, optimizer, Placement.synchronous(layout));
      try {
        return List.of(new Replica(graph, RemoteSessions.open(graph.graph(), layout.target(0), remote(config,
            "/job:" + ClusterLayout.WORKER))));
      } catch (RuntimeException e) {
        graph.close();
        throw e;
      }
    }
    List<Replica> replicas = new ArrayList<>();
    try {
      for (int k = 0; k < layout.workers().size(); k++) {
        TrainingGraph graph = TrainingGraph.build(plan, fields, seed, optimizer, Placement.onCluster(layout, k));
        try {
          ConfigProto remote = remote(config, "/job:" + ClusterLayout.WORKER + "/task:" + k);
          Session session = k == 0 ? RemoteSessions.open(graph.graph(), layout.target(k), remote)
              : RemoteSessions.join(graph.graph(), layout.target(k), remote);
          replicas.add(new Replica(graph, session));
        } catch (RuntimeException e) {
          graph.close();
          throw e;
        }
      }
      return replicas;
    } catch (RuntimeException e) {
      replicas.forEach(Replica::close);
      throw e;
    }
  }

  /**
   * {@code config} for a session that sees the parameter servers and {@code workers} (a device
   * filter: an asynchronous worker sees only its own task, so another worker's loss does not stop
   * its steps); the tasks' servers run its steps on their own pools.
   */
  private ConfigProto remote(ConfigProto config, String workers) {
    return config.toBuilder()
        .clearUsePerSessionThreads()
        .clearSessionInterOpThreadPool()
        .setOperationTimeoutInMs(operationTimeout.toMillis())
        .clearDeviceFilters()
        .addDeviceFilters("/job:" + ClusterLayout.PS)
        .addDeviceFilters(workers)
        .build();
  }
}
