package io.dlf.trainer.worker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.dlf.dsl.Presets;
import io.dlf.dsl.compile.SessionConfigs;
import io.dlf.dsl.plan.ModelPlan;
import io.dlf.dsl.spec.Feature;
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
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.proto.ConfigProto;

/**
 * Two workers of a cluster that take turns, one step each, train exactly as one process does: every
 * variable, Adam slot and the step counter of worker 1's graph is worker 0's on the parameter servers,
 * and nothing else in a replica's graph differs. So whatever a 2-worker run loses against one process
 * comes from the workers stepping at the same time (issue 23).
 */
@Tag("e2e")
class TurnTakingReplicasTest {
  private static final List<Feature> FEATURES = List.of(Feature.categorical("site"), Feature.categorical("ad"),
      Feature.categorical("device"), Feature.numeric("count").transform(NumericTransform.LOG1P));
  private static final long SEED = 5;
  private static final int BATCH = 250;
  private static final int STEPS = 16;
  private static final double LEARNING_RATE = 3e-3;

  @Test
  void twoWorkersTakingTurnsLoseWhatOneProcessLoses(@TempDir Path dir) throws Exception {
    SyntheticDataset synthetic = new SyntheticDataset(FEATURES, 11);
    DatasetSplits splits = synthetic.write(dir.resolve("data"), STEPS * BATCH, 500, 500);
    ModelSpec spec = Presets.dlfPaper(new Presets.Size(8, 2, 4, 4, 32)).features(FEATURES).build();
    PreparedData data = DataPreparation.prepare(spec, synthetic.schema(), splits, BadRows.FAIL);
    List<LabeledBatch> batches = batches(data);

    double[] inProcess = losses(Replicas.IN_PROCESS.open(ModelPlan.of(spec), data.layout(), SEED,
        OptimizerSettings.defaults(), SessionConfigs.threads(1, 1)), data, batches);
    try (LoopbackCluster cluster = LoopbackCluster.start(2, 2, Files.createDirectories(dir.resolve("logs")))) {
      double[] turns = losses(new ClusterReplicas(cluster.layout(), Duration.ofMinutes(1)).open(ModelPlan.of(spec),
          data.layout(), SEED, OptimizerSettings.defaults(), ConfigProto.getDefaultInstance()),
          data, batches);
      // the same arithmetic, only summed in another order on other threads
      assertArrayEquals(inProcess, turns, 1e-4, "losses of 2 workers taking turns vs one process, step by step");
    }
  }

  private static List<LabeledBatch> batches(PreparedData data) {
    List<LabeledBatch> out = new ArrayList<>();
    try (BatchStream stream = data.train().epoch(SEED, 1, BATCH, 0)) {
      for (LabeledBatch b = stream.next(); b != null; b = stream.next()) {
        out.add(b);
      }
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
