package io.dlf.trainer.worker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dlf.dsl.cluster.ClusterLayout;
import io.dlf.dsl.compile.BatchTensors;
import io.dlf.dsl.compile.FieldLayout;
import io.dlf.dsl.compile.Parameters;
import io.dlf.dsl.compile.Placement;
import io.dlf.dsl.compile.SessionConfigs;
import io.dlf.dsl.compile.TrainingGraph;
import io.dlf.dsl.encode.EncodedBatch;
import io.dlf.dsl.plan.ModelPlan;
import io.dlf.dsl.spec.DeepFmBackbone;
import io.dlf.dsl.spec.Feature;
import io.dlf.dsl.spec.Mlp;
import io.dlf.dsl.spec.ModelSpec;
import io.dlf.dsl.training.OptimizerSettings;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.RemoteSessions;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.DeviceStepStats;
import org.tensorflow.proto.RunOptions;
import org.tensorflow.types.TFloat32;

/**
 * TensorFlow's distributed runtime through {@link RemoteSessions}, on a cluster of task processes
 * ({@link TaskMain}: two parameter servers and a worker) on loopback: a variable on a parameter
 * server updated by a step computed on the worker; a DeepFM model trained on the cluster, its
 * tables split over both servers, step for step as in one process; a checkpoint of the split model.
 */
@Tag("e2e")
class ParameterServerClusterTest {
  private static final float TOLERANCE = 1e-5f;
  /** An embedding and a first-order table, a sequence sharing a's rows, batch norm. */
  private static final ModelSpec SPEC = ModelSpec.builder("cluster").categorical("a", "b")
      .feature(Feature.sequence("h", 3).vocabularyFrom("a")).embeddingDim(4)
      .backbone(DeepFmBackbone.of(Mlp.of(8))).build();
  private static final Map<String, Integer> SIZES = Map.of("a", 41, "b", 30);
  private static final long SEED = 7L;

  private static LoopbackCluster cluster;

  @BeforeAll
  static void startCluster(@TempDir Path logs) throws Exception {
    cluster = LoopbackCluster.start(2, 1, logs);
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void aStepOnTheWorkerUpdatesAVariableOnTheParameterServer() {
    ClusterLayout layout = cluster.layout();
    try (Graph graph = new Graph()) {
      Ops tf = Ops.create(graph);
      Variable<TFloat32> weights = tf.withDevice(layout.parameterServer(0)).withName("probe.weights")
          .variable(tf.withInitScope().constant(new float[] {1f, 2f}));
      // doubled on the worker, added back on the parameter server (an update is colocated with its variable)
      Ops onWorker = tf.withDevice(layout.worker(0));
      var update = tf.assignAdd(weights, onWorker.math.mul(weights, onWorker.constant(2f)));
      try (Session session = RemoteSessions.open(graph, layout.target(0), ConfigProto.getDefaultInstance())) {
        session.initialize();
        session.run(update);
        Set<String> devices = tracedDevices(session.runner().addTarget(update));
        assertArrayEquals(new float[] {9f, 18f}, SessionValues.floats(session, "probe.weights"), "1, 2 tripled twice");
        assertTrue(devices.contains(psDevice(0)), devices.toString());
        assertTrue(devices.contains(workerDevice()), devices.toString());
      }
    }
  }

  @Test
  void deepFmTrainsOnTheClusterStepForStepAsInOneProcess(@TempDir Path dir) {
    ModelPlan plan = ModelPlan.of(SPEC);
    FieldLayout layout = FieldLayout.of(plan, SIZES);
    OptimizerSettings optimizer = OptimizerSettings.defaults();
    ClusterLayout clusterLayout = cluster.layout();
    try (TrainingGraph local = TrainingGraph.build(plan, layout, SEED, optimizer);
        TrainingGraph placed = TrainingGraph.build(plan, layout, SEED, optimizer, Placement.onCluster(clusterLayout, 0));
        Session inProcess = new Session(local.graph(), SessionConfigs.threads(1, 1));
        Session onCluster = RemoteSessions.open(placed.graph(), clusterLayout.target(0),
            ConfigProto.getDefaultInstance())) {
      inProcess.initialize();
      onCluster.initialize();
      List<Parameters.Parameter> tables = local.parameters().ofKind(Parameters.Kind.EMBEDDING);
      assertEquals(2, tables.size(), "the embedding and the first-order table");
      assertEquals(4, placed.parameters().ofKind(Parameters.Kind.EMBEDDING).size(), "two partitions of each");
      for (Parameters.Parameter table : tables) {
        for (int p = 0; p < 2; p++) {
          String name = table.name() + ".part_" + p;
          assertEquals(clusterLayout.parameterServer(p).toString(), placed.graph().operation(name).device(), name);
        }
      }
      for (int step = 0; step < 4; step++) {
        float expected = step(local, layout, inProcess, batch(step), false).loss();
        float actual = step(placed, layout, onCluster, batch(step), false).loss();
        assertEquals(expected, actual, Math.abs(expected) * TOLERANCE, "loss of step " + step);
      }
      for (Parameters.Parameter table : tables) {
        assertSplitAs(SessionValues.floats(inProcess, table.name()), (int) table.shape().get(1), onCluster, table.name());
      }
      // a checkpoint holds every partition: what it saved comes back after another step moved them
      String checkpoint = dir.resolve("split").toString();
      String partition = tables.get(0).name() + ".part_1";
      onCluster.save(checkpoint);
      float[] saved = SessionValues.floats(onCluster, partition);
      Set<String> devices = step(placed, layout, onCluster, batch(9), true).devices();
      assertTrue(devices.containsAll(List.of(psDevice(0), psDevice(1), workerDevice())), devices.toString());
      assertFalse(Arrays.equals(saved, SessionValues.floats(onCluster, partition)), "the step moved rows of " + partition);
      onCluster.restore(checkpoint);
      assertArrayEquals(saved, SessionValues.floats(onCluster, partition));
    }
  }

  /** Partition p of the split table holds rows p, p + 2, p + 4, ... of the whole one. */
  private static void assertSplitAs(float[] whole, int width, Session onCluster, String table) {
    int rows = whole.length / width;
    for (int p = 0; p < 2; p++) {
      float[] partition = SessionValues.floats(onCluster, table + ".part_" + p);
      assertEquals((rows - p + 1) / 2 * width, partition.length, table + " partition " + p);
      for (int local = 0; local < partition.length / width; local++) {
        for (int c = 0; c < width; c++) {
          assertEquals(whole[(local * 2 + p) * width + c], partition[local * width + c], TOLERANCE,
              table + " row " + (local * 2 + p));
        }
      }
    }
  }

  /** One training step's loss, and with {@code traced} the devices its trace lists. */
  private record Step(float loss, Set<String> devices) {}

  /** Labels: b's parity, something the model can learn. */
  private static Step step(TrainingGraph graph, FieldLayout layout, Session session, EncodedBatch batch,
      boolean traced) {
    float[] labels = new float[batch.size()];
    for (int i = 0; i < labels.length; i++) {
      labels[i] = batch.categorical()[i * 2 + 1] % 2;
    }
    try (BatchTensors inputs = new BatchTensors(layout, batch);
        TFloat32 y = TFloat32.vectorOf(labels);
        TFloat32 lr = TFloat32.scalarOf(0.01f)) {
      Session.Runner runner = inputs.feedByName(session.runner()).feed(graph.labels(), y).feed(graph.learningRate(), lr)
          .addTarget(graph.trainStep()).fetch(graph.loss());
      if (!traced) {
        try (Result r = runner.run()) {
          return new Step(((TFloat32) r.get(0)).getFloat(), Set.of());
        }
      }
      try (Result r = runner.setOptions(fullTrace()).runAndFetchMetadata()) {
        return new Step(((TFloat32) r.get(0)).getFloat(), devices(r));
      }
    }
  }

  private static Set<String> tracedDevices(Session.Runner runner) {
    try (Result traced = runner.setOptions(fullTrace()).runAndFetchMetadata()) {
      return devices(traced);
    }
  }

  private static RunOptions fullTrace() {
    return RunOptions.newBuilder().setTraceLevel(RunOptions.TraceLevel.FULL_TRACE).build();
  }

  private static Set<String> devices(Result traced) {
    Set<String> devices = new TreeSet<>();
    traced.getMetadata().orElseThrow().getStepStats().getDevStatsList().stream()
        .map(DeviceStepStats::getDevice).forEach(devices::add);
    return devices;
  }

  private static String psDevice(int task) {
    return "/job:ps/replica:0/task:" + task + "/device:CPU:0";
  }

  private static String workerDevice() {
    return "/job:worker/replica:0/task:0/device:CPU:0";
  }

  /** 32 rows: a in 1..40, b in 1..29, histories of 0 to 3 tokens of a, with repeats. */
  private static EncodedBatch batch(long seed) {
    Random random = new Random(seed);
    int rows = 32;
    int[] categorical = new int[rows * 2];
    int[] history = new int[rows * 3];
    for (int r = 0; r < rows; r++) {
      categorical[r * 2] = 1 + random.nextInt(40);
      categorical[r * 2 + 1] = 1 + random.nextInt(29);
      int length = random.nextInt(4);
      for (int t = 0; t < length; t++) {
        history[r * 3 + t] = 1 + random.nextInt(40);
      }
    }
    return new EncodedBatch(rows, categorical, new float[0], Map.of("h", history));
  }
}
