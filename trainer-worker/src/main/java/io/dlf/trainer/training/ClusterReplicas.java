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
 * One replica per worker task of a cluster: worker {@code k}'s graph ({@link Placement#onCluster})
 * in a session whose master is that task's server. The graphs name their variables alike, so every
 * session reads and updates the same variables on the parameter servers; only the chief's session
 * initialises or restores them.
 *
 * @param operationTimeout how long a step may wait for a task before it fails, so that a step
 *     against a task that died or cannot be reached ends with an error instead of blocking
 */
public record ClusterReplicas(ClusterLayout layout, Duration operationTimeout) implements Replicas {

  @Override
  public List<Replica> open(ModelPlan plan, FieldLayout fields, long seed, OptimizerSettings optimizer,
      ConfigProto config) {
    List<Replica> replicas = new ArrayList<>();
    try {
      for (int k = 0; k < layout.workers().size(); k++) {
        TrainingGraph graph = TrainingGraph.build(plan, fields, seed, optimizer, Placement.onCluster(layout, k));
        try {
          ConfigProto remote = remote(config, k);
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
   * {@code config} for worker {@code k}'s session: the tasks' servers run its steps on their own
   * pools; it sees only the parameter servers and its own task, so another worker's loss does not
   * stop its steps (TensorFlow's device filters).
   */
  private ConfigProto remote(ConfigProto config, int k) {
    return config.toBuilder()
        .clearUsePerSessionThreads()
        .clearSessionInterOpThreadPool()
        .setOperationTimeoutInMs(operationTimeout.toMillis())
        .clearDeviceFilters()
        .addDeviceFilters("/job:" + ClusterLayout.PS)
        .addDeviceFilters("/job:" + ClusterLayout.WORKER + "/task:" + k)
        .build();
  }
}
