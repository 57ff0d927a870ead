package io.dlf.dsl.compile;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.dlf.dsl.Frappe;
import io.dlf.dsl.Presets;
import io.dlf.dsl.plan.ModelPlan;
import io.dlf.dsl.training.EmbeddingUpdates;
import io.dlf.dsl.training.OptimizerSettings;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.types.TFloat32;

/**
 * The log loss of the first training steps of every preset, on one fixed random Frappe-shaped batch,
 * against the figures the graph gave before its memory work (branch step-memory: products instead of
 * Square, LayerNorm scale and shift applied through the next dense layer). Those changes keep the
 * math; only float rounding may differ.
 */
class TrainingStepLossTest {
  private static final int BATCH = 64;
  private static final int STEPS = 5;
  private static final double TOLERANCE = 2e-5;
  /**
   * Adam with epsilon 1e-2, not 1e-8: with 1e-8 the first step moves every weight by the learning rate
   * in the sign of its gradient, so a gradient that is zero up to rounding (a LayerNorm's shift where
   * the next layer normalises again) takes a full step either way, and the rounding decides the run.
   */
  private static final OptimizerSettings OPTIMIZER = new OptimizerSettings(0.9f, 0.999f, 1e-2f, 10f,
      EmbeddingUpdates.AUTO, 1);

  /** Per preset, the loss before each of the steps, measured on the graph as it was before the memory work. */
  private static final Map<String, double[]> BEFORE = Map.ofEntries(
      Map.entry("dlf-paper", new double[] {0.8674647, 0.8626411, 0.5372988, 0.353449, 0.2664735}),
      Map.entry("dlf-reference", new double[] {0.749007, 0.8152019, 0.4436644, 0.2959262, 0.2525207}),
      Map.entry("dlf-paper-no-gate", new double[] {0.8674647, 0.8626432, 0.5373279, 0.3534719, 0.2664535}),
      Map.entry("dlf-paper-no-rli", new double[] {0.7804945, 0.7400596, 0.4602852, 0.3085741, 0.2355234}),
      Map.entry("dlf-paper-no-naf", new double[] {0.8653978, 0.8034101, 0.4490256, 0.2558885, 0.1757516}),
      Map.entry("dlf-paper-no-rli-no-naf", new double[] {0.843996, 0.7847631, 0.43025, 0.2106667, 0.1284535}),
      Map.entry("dlf-paper-fusion-concat", new double[] {0.8778772, 0.8012656, 0.588354, 0.3886055, 0.2469319}),
      Map.entry("dlf-paper-fusion-mlp", new double[] {1.140938, 1.123353, 0.7712922, 0.5068678, 0.3217273}),
      Map.entry("dlf-paper-fusion-gate-pool", new double[] {0.9105713, 0.8968179, 0.4304344, 0.2333708, 0.1715657}),
      Map.entry("dlf-paper-fusion-attn-pool", new double[] {0.777464, 0.7167325, 0.4120914, 0.2953724, 0.2171647}),
      Map.entry("fm", new double[] {0.6931435, 0.6918135, 0.6900356, 0.6879564, 0.685653}),
      Map.entry("deepfm", new double[] {0.6760019, 0.6895445, 0.5166281, 0.4227196, 0.2692591}),
      Map.entry("dcnv2", new double[] {0.6782967, 0.7282796, 0.7274513, 0.5321725, 0.6106657}),
      Map.entry("finalmlp", new double[] {0.6951727, 0.5493399, 0.2309254, 0.1635168, 0.1033579}),
      Map.entry("wukong", new double[] {0.7683977, 0.8365506, 0.4493007, 0.311747, 0.2571681}),
      Map.entry("mgdin", new double[] {0.7043886, 0.7375435, 0.82102, 0.658332, 0.6953628}),
      Map.entry("interformer", new double[] {0.7026523, 0.6485616, 0.6247286, 0.6007599, 0.5733137}));

  static java.util.stream.Stream<String> presets() {
    return Presets.names().stream();
  }

  @ParameterizedTest
  @MethodSource("presets")
  void firstStepsLoseAsBefore(String preset) {
    ModelPlan plan = ModelPlan.of(Frappe.declare(Presets.named(preset, new Presets.Size(8, 2, 4, 3, 16))).build());
    FieldLayout layout = FieldLayout.of(plan, Frappe.VOCABULARY_SIZES);
    RandomFrappeBatch batch = RandomFrappeBatch.of(new Random(7), BATCH);
    double[] losses = new double[STEPS];
    try (TrainingGraph graph = TrainingGraph.build(plan, layout, 3L, OPTIMIZER);
        Session session = new Session(graph.graph(), SessionConfigs.threads(1, 1));
        BatchTensors inputs = new BatchTensors(layout, batch.inputs());
        TFloat32 y = TFloat32.vectorOf(batch.labels());
        TFloat32 lr = TFloat32.scalarOf(1e-2f)) {
      session.initialize();
      for (int s = 0; s < STEPS; s++) {
        try (Result result = inputs.feedByName(session.runner()).feed(graph.labels(), y).feed(graph.learningRate(), lr)
            .addTarget(graph.trainStep()).fetch(graph.logLoss()).run()) {
          losses[s] = ((TFloat32) result.get(0)).getFloat();
        }
      }
    }
    System.out.println(preset + " " + java.util.Arrays.toString(losses));
    assertArrayEquals(BEFORE.get(preset), losses, TOLERANCE, preset);
  }
}
