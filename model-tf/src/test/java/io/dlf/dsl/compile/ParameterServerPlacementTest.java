package io.dlf.dsl.compile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dlf.dsl.cluster.ClusterLayout;
import io.dlf.dsl.plan.ModelPlan;
import io.dlf.dsl.spec.DeepFmBackbone;
import io.dlf.dsl.spec.Feature;
import io.dlf.dsl.spec.Mlp;
import io.dlf.dsl.spec.ModelSpec;
import io.dlf.dsl.training.OptimizerSettings;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.tensorflow.GraphOperation;

/**
 * A training graph compiled for worker 0 of a cluster with two parameter servers: every embedding
 * table, with its Adam moments, split by rows over both servers (rows adding up to the table's),
 * every other variable whole on one of them, the compute on the worker.
 */
class ParameterServerPlacementTest {
  /** DeepFM: an embedding and a first-order table, a sequence sharing a's rows, batch norm. */
  static final ModelSpec SPEC = ModelSpec.builder("placed").categorical("a", "b")
      .feature(Feature.sequence("h", 3).vocabularyFrom("a")).embeddingDim(4)
      .backbone(DeepFmBackbone.of(Mlp.of(8))).build();
  static final Map<String, Integer> SIZES = Map.of("a", 41, "b", 30);
  private static final ClusterLayout CLUSTER = new ClusterLayout(List.of("localhost:1", "localhost:2"),
      List.of("localhost:3"));

  @Test
  void tablesAreSplitOverEveryParameterServerAndTheComputeStaysOnTheWorker() {
    ModelPlan plan = ModelPlan.of(SPEC);
    FieldLayout layout = FieldLayout.of(plan, SIZES);
    try (TrainingGraph graph = TrainingGraph.build(plan, layout, 3L, OptimizerSettings.defaults(),
        Placement.onCluster(CLUSTER, 0))) {
      String ps0 = CLUSTER.parameterServer(0).toString();
      String ps1 = CLUSTER.parameterServer(1).toString();
      List<EmbeddingTable> tables = graph.parameters().tables();
      assertEquals(2, tables.size(), "the embedding and the first-order table");
      for (EmbeddingTable table : tables) {
        assertEquals(2, table.partitions().size(), table.name());
        assertEquals(layout.tableRows(), table.partitions().stream().mapToLong(p -> p.shape().get(0)).sum(),
            table.name() + ": the partitions' rows add up to the table's");
        assertEquals(layout.tableRows() / 2 + layout.tableRows() % 2, table.partitions().get(0).shape().get(0),
            "rows 0, 2, 4, ... in partition 0");
        for (int p = 0; p < 2; p++) {
          String name = table.partitions().get(p).name();
          String expected = p == 0 ? ps0 : ps1;
          assertEquals(expected, device(graph, name), name);
          assertEquals(expected, device(graph, "optimizer/" + name + ".adam_m"), name + "'s first moment");
          assertEquals(expected, device(graph, "optimizer/" + name + ".adam_v"), name + "'s second moment");
        }
      }
      Set<String> servers = graph.parameters().ofKind(Parameters.Kind.NET).stream()
          .map(p -> device(graph, p.name())).collect(Collectors.toSet());
      assertEquals(Set.of(ps0, ps1), servers, "dense variables balanced over both servers");
      graph.parameters().ofKind(Parameters.Kind.STATE).forEach(p -> assertTrue(
          Set.of(ps0, ps1).contains(device(graph, p.name())), p.name()));
      String worker = CLUSTER.worker(0).toString();
      for (String computed : List.of("log_loss", "loss", "probability", "labels", "learning_rate")) {
        assertEquals(worker, device(graph, computed), computed);
      }
    }
  }

  private static String device(TrainingGraph graph, String op) {
    GraphOperation operation = graph.graph().operation(op);
    assertTrue(operation != null, "no op " + op);
    return operation.device();
  }
}
