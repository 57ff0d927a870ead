package io.dlf.trainer.worker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.dlf.dsl.Presets;
import io.dlf.dsl.compile.SessionConfigs;
import io.dlf.dsl.plan.ModelPlan;
import io.dlf.dsl.spec.DeepFmBackbone;
import io.dlf.dsl.spec.Feature;
import io.dlf.dsl.spec.Mlp;
import io.dlf.dsl.spec.ModelSpec;
import io.dlf.dsl.spec.NumericTransform;
import io.dlf.dsl.training.OptimizerSettings;
import io.dlf.trainer.data.BadRows;
import io.dlf.trainer.data.DatasetSplits;
import io.dlf.trainer.data.SyntheticDataset;
import io.dlf.trainer.encode.BatchStream;
import io.dlf.trainer.encode.DataPreparation;
import io.dlf.trainer.encode.LabeledBatch;
import io.dlf.trainer.encode.PreparedData;
import io.dlf.trainer.training.ClusterReplicas;
import io.dlf.trainer.training.Replica;
import io.dlf.trainer.training.Replicas;
import io.dlf.trainer.training.Trainer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.proto.ConfigProto;

/**
 * Two ways of stepping a 2-worker, 2-parameter-server cluster that train exactly as one process does
 * on the same batches, step by step (issue 23). Workers taking turns, one step each: every variable,
 * Adam slot and the step counter of worker 1's graph is worker 0's on the parameter servers, and
 * nothing else in a replica's graph differs; so whatever an asynchronous 2-worker run loses against one
 * process comes from the workers stepping at the same time. Synchronous workers: each batch is shared
 * out over both, its gradients summed and applied once, down to batches of fewer rows than workers.
 */
@Tag("e2e")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClusterStepEquivalenceTest {
  private static final List<Feature> FEATURES = List.of(Feature.categorical("site"), Feature.categorical("ad"),
      Feature.categorical("device"), Feature.numeric("count").transform(NumericTransform.LOG1P));
  private static final long SEED = 5;
  private static final int BATCH = 250;
  private static final int STEPS = 16;
  private static final double LEARNING_RATE = 3e-3;

  /**
   * For synchronous steps, a model without batch norm: a tower normalises by its own share's
   * statistics (as replicas do in TensorFlow), which one process computes over the whole batch.
   */
  private static final ModelSpec WITHOUT_BATCH_NORM = ModelSpec.builder("synchronous").features(FEATURES)
      .embeddingDim(8).backbone(DeepFmBackbone.of(Mlp.of(32, 16).batchNorm(false))).build();

  private ModelSpec spec;
  private SyntheticDataset synthetic;
  private DatasetSplits splits;
  private PreparedData data;
  private List<LabeledBatch> batches;
  private double[] inProcess;
  private LoopbackCluster cluster;

  @BeforeAll
  void trainInOneProcessAndStartACluster(@TempDir Path dir) throws Exception {
    synthetic = new SyntheticDataset(FEATURES, 11);
    splits = synthetic.write(dir.resolve("data"), STEPS * BATCH, 500, 500);
    spec = Presets.dlfPaper(new Presets.Size(8, 2, 4, 4, 32)).features(FEATURES).build();
    data = DataPreparation.prepare(spec, synthetic.schema(), splits, BadRows.FAIL);
    batches = batches(data);
    inProcess = losses(Replicas.IN_PROCESS.open(ModelPlan.of(spec), data.layout(), SEED,
        OptimizerSettings.defaults(), SessionConfigs.threads(1, 1)), data, batches);
    cluster = LoopbackCluster.start(2, 2, Files.createDirectories(dir.resolve("logs")));
  }

  @AfterAll
  void stopTheCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void twoWorkersTakingTurnsLoseWhatOneProcessLoses() {
    double[] turns = losses(new ClusterReplicas(cluster.layout(), Duration.ofMinutes(1)).open(ModelPlan.of(spec),
        data.layout(), SEED, OptimizerSettings.defaults(), ConfigProto.getDefaultInstance()), data, batches);
    // the same arithmetic, only summed in another order on other threads
    assertArrayEquals(inProcess, turns, 1e-4, "losses of 2 workers taking turns vs one process, step by step");
  }

  @Test
  void synchronousWorkersSharingEachBatchLoseWhatOneProcessLoses() throws Exception {
    ModelPlan plan = ModelPlan.of(WITHOUT_BATCH_NORM);
    PreparedData data = DataPreparation.prepare(WITHOUT_BATCH_NORM, synthetic.schema(), splits, BadRows.FAIL);
    List<LabeledBatch> batches = batches(data);
    double[] inProcess = losses(Replicas.IN_PROCESS.open(plan, data.layout(), SEED, OptimizerSettings.defaults(),
        SessionConfigs.threads(1, 1)), data, batches);
    List<Replica> replicas = new ClusterReplicas(cluster.layout(), Duration.ofMinutes(1), true).open(
        plan, data.layout(), SEED, OptimizerSettings.defaults(), ConfigProto.getDefaultInstance());
    assertEquals(1, replicas.size(), "one graph with a tower per worker");
    assertEquals(2, replicas.get(0).graph().feeds().size());
    double[] synchronous = losses(replicas, data, batches);
    // each tower's share summed over the batch's rows, then the towers' sums added
    assertArrayEquals(inProcess, synchronous, 1e-4, "losses of 2 synchronous workers vs one process, step by step");
  }

  /** The epoch's batches, then a batch of 3 rows and one of a single row (fewer rows than workers). */
  private static List<LabeledBatch> batches(PreparedData data) {
    List<LabeledBatch> out = new ArrayList<>();
    try (BatchStream stream = data.train().epoch(SEED, 1, BATCH, 0)) {
      for (LabeledBatch b = stream.next(); b != null; b = stream.next()) {
        out.add(b);
      }
    }
    LabeledBatch first = out.get(0);
    for (int rows : new int[] {3, 1}) {
      out.add(new LabeledBatch(first.inputs().rows(0, rows), Arrays.copyOf(first.labels(), rows)));
    }
    return out;
  }

  /** The loss of each step of {@code batches}, step {@code i} on replica {@code i mod replicas}, from initial weights. */
  private static double[] losses(List<Replica> replicas, PreparedData data, List<LabeledBatch> batches) {
    try {
      replicas.get(0).session().initialize();
      double[] losses = new double[batches.size()];
      for (int i = 0; i < batches.size(); i++) {
        losses[i] = Trainer.step(replicas.get(i % replicas.size()), data, batches.get(i), LEARNING_RATE);
      }
      return losses;
    } finally {
      replicas.forEach(Replica::close);
    }
  }
}
