package io.dlf.trainer.worker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dlf.dsl.Presets;
import io.dlf.dsl.cluster.ClusterLayout;
import io.dlf.dsl.compile.Parameters;
import io.dlf.dsl.compile.SessionConfigs;
import io.dlf.dsl.plan.ModelPlan;
import io.dlf.dsl.spec.Feature;
import io.dlf.dsl.spec.ModelSpec;
import io.dlf.dsl.spec.NumericTransform;
import io.dlf.trainer.data.BadRows;
import io.dlf.trainer.data.DatasetSplits;
import io.dlf.trainer.data.SyntheticDataset;
import io.dlf.trainer.encode.DataPreparation;
import io.dlf.trainer.encode.PreparedData;
import io.dlf.trainer.job.TrainingOptions;
import io.dlf.trainer.training.ClusterReplicas;
import io.dlf.trainer.training.Replica;
import io.dlf.trainer.training.StopSignal;
import io.dlf.trainer.training.Trainer;
import io.dlf.trainer.training.TrainingListener;
import io.dlf.trainer.training.TrainingOutcome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Session;
import org.tensorflow.proto.ConfigProto;

/**
 * The training loop on a loopback cluster of two parameter servers and two workers: both workers
 * step, on the same variables (worker 1's session, which never initialises, reads what the chief
 * restored), each table split across both servers; the single-process checkpoint made from the
 * cluster's predicts what the cluster predicts.
 */
@Tag("e2e")
class ClusterTrainingTest {
  private static final List<Feature> FEATURES = List.of(Feature.categorical("site"), Feature.categorical("ad"),
      Feature.categorical("device"), Feature.numeric("count").transform(NumericTransform.LOG1P));

  @Test
  void twoWorkersTrainSharedSplitVariablesAndTheUnsplitCheckpointPredictsAlike(@TempDir Path dir) throws Exception {
    SyntheticDataset synthetic = new SyntheticDataset(FEATURES, 11);
    DatasetSplits splits = synthetic.write(dir.resolve("data"), 8_000, 2_000, 2_000);
    ModelSpec spec = Presets.dlfPaper(new Presets.Size(8, 2, 4, 4, 32)).features(FEATURES).build();
    PreparedData data = DataPreparation.prepare(spec, synthetic.schema(), splits, BadRows.FAIL);
    TrainingOptions options = TrainingOptions.defaults().maxEpochs(2).batchSize(250).learningRate(3e-3f).seed(5)
        .progressEverySteps(4);
    Trainer trainer = new Trainer(SessionConfigs.threads(1, 1));
    List<List<Double>> throughputs = new ArrayList<>();
    try (LoopbackCluster cluster = LoopbackCluster.start(2, 2, Files.createDirectories(dir.resolve("logs")))) {
      ClusterLayout layout = cluster.layout();
      ClusterReplicas replicas = new ClusterReplicas(layout, Duration.ofMinutes(1));
      TrainingOutcome outcome = trainer.train(spec, data, options, dir.resolve("work"), new TrainingListener() {
        @Override
        public void onProgress(int epoch, int step, int steps, double loss, double samplesPerSecond,
            List<Double> perReplica) {
          throughputs.add(perReplica);
        }
      }, StopSignal.NEVER, replicas);
      assertTrue(throughputs.stream().anyMatch(t -> t.size() == 2 && t.get(0) > 0 && t.get(1) > 0),
          "both workers stepped: " + throughputs);
      String best = outcome.bestCheckpoint();

      List<Replica> opened = replicas.open(ModelPlan.of(spec), data.layout(), options.seed(), options.optimizer(),
          ConfigProto.getDefaultInstance());
      try {
        Session chief = opened.get(0).session();
        chief.restore(best);
        List<Parameters.Parameter> partitions = opened.get(0).graph().parameters().ofKind(Parameters.Kind.EMBEDDING);
        for (int p = 0; p < 2; p++) {
          String name = partitions.get(0).name().replaceAll("\\.part_\\d+$", "") + ".part_" + p;
          assertEquals(layout.parameterServer(p).toString(), opened.get(1).graph().graph().operation(name).device());
          assertArrayEquals(SessionValues.floats(chief, name), SessionValues.floats(opened.get(1).session(), name),
              name + " seen by worker 1");
        }
        float[] onCluster = Trainer.predict(chief, opened.get(0).graph(), data, data.test(), 500).probabilities();
        String single = trainer.unsplit(spec, data, options, layout, best);
        float[] inProcess = trainer.predict(spec, data, data.test(), single, options);
        assertArrayEquals(onCluster, inProcess, 1e-5f, "the single-process checkpoint predicts as the cluster's");
      } finally {
        opened.forEach(Replica::close);
      }
    }
  }
}
