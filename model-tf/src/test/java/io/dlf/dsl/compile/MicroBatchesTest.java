package io.dlf.dsl.compile;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dlf.dsl.Frappe;
import io.dlf.dsl.plan.ModelPlan;
import io.dlf.dsl.spec.DeepFmBackbone;
import io.dlf.dsl.spec.Mlp;
import io.dlf.dsl.spec.ModelSpec;
import io.dlf.dsl.training.EmbeddingUpdates;
import io.dlf.dsl.training.OptimizerSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.tensorflow.GraphOperation;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.types.TFloat32;

/**
 * A step in micro-batches trains as the whole batch does: the parts' gradients add up to the batch's
 * (a model without batch norm, whose statistics would be each part's), down to parts left empty by a
 * batch of fewer rows than parts; and each part's forward pass waits for the previous part's gradients.
 */
class MicroBatchesTest {
  private static final ModelSpec SPEC = Frappe.declare(ModelSpec.builder("micro")).embeddingDim(8)
      .backbone(DeepFmBackbone.of(Mlp.of(32, 16).batchNorm(false))).build();
  private static final int MICRO_BATCHES = 3;
  /** Row counts of the steps: whole batches, one that splits unevenly, one with fewer rows than parts. */
  private static final int[] ROWS = {96, 96, 96, 50, 2, 96};

  @ParameterizedTest
  @EnumSource(value = EmbeddingUpdates.class, names = {"DENSE", "ROW_WISE"})
  void microBatchesLoseWhatTheWholeBatchLoses(EmbeddingUpdates updates) {
    ModelPlan plan = ModelPlan.of(SPEC);
    FieldLayout layout = FieldLayout.of(plan, Frappe.VOCABULARY_SIZES);
    OptimizerSettings whole = OptimizerSettings.defaults().embeddingUpdates(updates);
    double[] expected = losses(plan, layout, whole);
    double[] parts = losses(plan, layout, whole.microBatches(MICRO_BATCHES));
    assertArrayEquals(expected, parts, 1e-5, updates + ": losses in " + MICRO_BATCHES + " micro-batches vs whole");
  }

  @ParameterizedTest
  @EnumSource(value = EmbeddingUpdates.class, names = {"DENSE", "ROW_WISE"})
  void eachPartWaitsForThePreviousPartsGradients(EmbeddingUpdates updates) {
    ModelPlan plan = ModelPlan.of(SPEC);
    try (TrainingGraph graph = TrainingGraph.build(plan, FieldLayout.of(plan, Frappe.VOCABULARY_SIZES), 3L,
        OptimizerSettings.defaults().embeddingUpdates(updates).microBatches(MICRO_BATCHES))) {
      assertEquals(MICRO_BATCHES, graph.feeds().size());
      assertEquals(MICRO_BATCHES, graph.towersPerWorker());
      for (int t = 1; t < MICRO_BATCHES; t++) {
        GraphOperation ids = (GraphOperation) graph.feeds().get(t).inputs().categorical().op();
        List<GraphOperation> gated = new ArrayList<>(ids.consumers());
        assertEquals(1, gated.size(), "part " + t + "'s ids are read through one gate");
        String previous = TowerGradients.scope(t - 1) + "/";
        assertTrue(!gated.get(0).controlInputs().isEmpty() && gated.get(0).controlInputs().stream()
            .allMatch(o -> o.name().startsWith(previous)), "part " + t + " waits for " + previous + ": "
            + gated.get(0).controlInputs());
      }
    }
  }

  /** The loss of each step of {@link #ROWS}, random Frappe-shaped rows, from the same initial weights. */
  private static double[] losses(ModelPlan plan, FieldLayout layout, OptimizerSettings optimizer) {
    Random random = new Random(7);
    double[] losses = new double[ROWS.length];
    try (TrainingGraph graph = TrainingGraph.build(plan, layout, 3L, optimizer);
        Session session = new Session(graph.graph(), SessionConfigs.threads(1, 1));
        TFloat32 rate = TFloat32.scalarOf(1e-2f)) {
      session.initialize();
      for (int s = 0; s < ROWS.length; s++) {
        losses[s] = step(session, graph, layout, RandomFrappeBatch.of(random, ROWS[s]), rate);
      }
    }
    return losses;
  }

  private static double step(Session session, TrainingGraph graph, FieldLayout layout, RandomFrappeBatch batch, TFloat32 rate) {
    try (TowerFeeds feeds = new TowerFeeds(graph, layout, batch.inputs(), batch.labels());
        Result r = feeds.feed(session.runner()).feed(graph.learningRate(), rate).addTarget(graph.trainStep())
            .fetch(graph.logLoss()).run()) {
      return ((TFloat32) r.get(0)).getFloat();
    }
  }
}
