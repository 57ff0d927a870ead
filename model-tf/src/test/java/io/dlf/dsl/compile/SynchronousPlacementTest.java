package io.dlf.dsl.compile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dlf.dsl.cluster.ClusterLayout;
import io.dlf.dsl.plan.ModelPlan;
import io.dlf.dsl.training.OptimizerSettings;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tensorflow.GraphOperation;
import org.tensorflow.proto.NodeDef;

/**
 * The one graph of synchronous training on two workers: a training tower per worker, fed under its
 * own names, its forward and backward pass on that worker (TensorFlow's C API places no gradient op,
 * so the compiler must), and the variables on the parameter servers as for asynchronous workers.
 */
class SynchronousPlacementTest {
  private static final ClusterLayout CLUSTER = new ClusterLayout(List.of("localhost:1", "localhost:2"),
      List.of("localhost:3", "localhost:4"));

  @Test
  void eachTowerRunsForwardAndBackwardOnItsWorker() {
    ModelPlan plan = ModelPlan.of(ParameterServerPlacementTest.SPEC);
    FieldLayout layout = FieldLayout.of(plan, ParameterServerPlacementTest.SIZES);
    try (TrainingGraph graph = TrainingGraph.build(plan, layout, 3L, OptimizerSettings.defaults(),
        Placement.synchronous(CLUSTER))) {
      String worker0 = CLUSTER.worker(0).toString();
      String worker1 = CLUSTER.worker(1).toString();
      assertEquals(List.of("", "tower_1/"), graph.feeds().stream().map(TrainingGraph.Feed::scope).toList());
      assertEquals("tower_1/labels", graph.feeds().get(1).labels().op().name());
      assertEquals(worker1, operation(graph, "tower_1/labels").device());
      assertEquals("tower_1/" + ModelPlaceholders.CATEGORICAL, graph.feeds().get(1).inputs().categorical().op().name());

      String ps0 = CLUSTER.parameterServer(0).toString();
      String ps1 = CLUSTER.parameterServer(1).toString();
      Map<String, Integer> byDevice = new HashMap<>();
      for (NodeDef op : graph.graph().toGraphDef().getNodeList()) {
        if (op.containsAttr("_class")) {
          // colocated with a variable it reads: TensorFlow places it there
          assertEquals("", op.getDevice(), op.getName());
          continue;
        }
        if (op.getName().startsWith("tower_0_gradients/") || op.getName().startsWith("tower_1_gradients/")) {
          assertEquals(op.getName().startsWith("tower_0") ? worker0 : worker1, op.getDevice(), op.getName());
        } else if (op.getName().startsWith("tower_1/")) {
          // the forward pass on its worker, but for the reads of table partitions, which run where they live
          assertTrue(List.of(worker1, ps0, ps1).contains(op.getDevice()), op.getName() + " on " + op.getDevice());
        } else {
          continue;
        }
        byDevice.merge(op.getDevice(), 1, Integer::sum);
      }
      assertTrue(byDevice.getOrDefault(worker0, 0) > 50, "tower 0's backward pass: " + byDevice);
      assertTrue(byDevice.getOrDefault(worker1, 0) > 100, "tower 1's forward and backward pass: " + byDevice);
      for (String chief : List.of("log_loss", "loss", "probability", "learning_rate", graph.trainStep().op().name())) {
        assertEquals(worker0, operation(graph, chief).device(), chief);
      }

      for (EmbeddingTable table : graph.parameters().tables()) {
        assertEquals(2, table.partitions().size(), table.name());
        for (int p = 0; p < 2; p++) {
          GraphOperation partition = (GraphOperation) table.partitions().get(p).variable().op();
          assertEquals(p == 0 ? ps0 : ps1, partition.device(), partition.name());
          assertEquals(partition, operation(graph, partition.name()), "the handle is the copied graph's op");
        }
      }
    }
  }

  private static GraphOperation operation(TrainingGraph graph, String op) {
    GraphOperation operation = graph.graph().operation(op);
    assertTrue(operation != null, "no op " + op);
    return operation;
  }
}
