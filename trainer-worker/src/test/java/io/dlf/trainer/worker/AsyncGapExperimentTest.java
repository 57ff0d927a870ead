package io.dlf.trainer.worker;

import io.dlf.dsl.Presets;
import io.dlf.dsl.compile.SessionConfigs;
import io.dlf.dsl.plan.ModelPlan;
import io.dlf.dsl.spec.Feature;
import io.dlf.dsl.spec.ModelSpec;
import io.dlf.dsl.spec.NumericTransform;
import io.dlf.trainer.data.BadRows;
import io.dlf.trainer.data.DatasetSplits;
import io.dlf.trainer.data.SyntheticDataset;
import io.dlf.trainer.encode.BatchStream;
import io.dlf.trainer.encode.DataPreparation;
import io.dlf.trainer.encode.LabeledBatch;
import io.dlf.trainer.encode.PreparedData;
import io.dlf.trainer.job.TrainingOptions;
import io.dlf.trainer.training.ClusterReplicas;
import io.dlf.trainer.training.Replica;
import io.dlf.trainer.training.Replicas;
import io.dlf.trainer.training.Trainer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** EXPERIMENT (issue 23): loss curves of one process, 2 serialized replicas, 2 concurrent replicas. */
class AsyncGapExperimentTest {
  private static final List<Feature> FEATURES = List.of(Feature.categorical("site"), Feature.categorical("ad"),
      Feature.categorical("device"), Feature.numeric("count").transform(NumericTransform.LOG1P));

  @Test
  void curves(@TempDir Path dir) throws Exception {
    SyntheticDataset synthetic = new SyntheticDataset(FEATURES, 11);
    DatasetSplits splits = synthetic.write(dir.resolve("data"), 16_000, 500, 500);
    ModelSpec spec = Presets.dlfPaper(new Presets.Size(8, 2, 4, 4, 32)).features(FEATURES).build();
    PreparedData data = DataPreparation.prepare(spec, synthetic.schema(), splits, BadRows.FAIL);
    TrainingOptions options = TrainingOptions.defaults().batchSize(250).learningRate(3e-3f).seed(5);
    List<LabeledBatch> batches = new ArrayList<>();
    try (BatchStream s = data.train().epoch(5, 1, 250, 0)) {
      for (LabeledBatch b = s.next(); b != null; b = s.next()) {
        batches.add(b);
      }
    }
    double lr = 3e-3;
    var config = SessionConfigs.threads(1, 1);
    List<Replica> local = Replicas.IN_PROCESS.open(ModelPlan.of(spec), data.layout(), 5, options.optimizer(), config);
    local.get(0).session().initialize();
    double[] one = new double[batches.size()];
    for (int i = 0; i < batches.size(); i++) {
      one[i] = Trainer.step(local.get(0), data, batches.get(i), lr);
    }
    local.forEach(Replica::close);
    print("one process", one);
    try (LoopbackCluster cluster = LoopbackCluster.start(2, 2, Files.createDirectories(dir.resolve("logs")))) {
      ClusterReplicas cr = new ClusterReplicas(cluster.layout(), Duration.ofMinutes(1));
      for (String mode : List.of("worker 0 only", "2 serialized", "2 concurrent", "2 serialized", "2 concurrent")) {
        List<Replica> replicas = cr.open(ModelPlan.of(spec), data.layout(), 5, options.optimizer(),
            org.tensorflow.proto.ConfigProto.getDefaultInstance());
        try {
          replicas.get(0).session().initialize();
          double[] losses = new double[batches.size()];
          if (!mode.equals("2 concurrent")) {
            for (int i = 0; i < batches.size(); i++) {
              losses[i] = Trainer.step(replicas.get(mode.startsWith("2") ? i % 2 : 0), data, batches.get(i), lr);
            }
          } else {
            AtomicInteger next = new AtomicInteger();
            ExecutorService threads = Executors.newFixedThreadPool(2);
            List<Future<?>> fs = new ArrayList<>();
            for (int k = 0; k < 2; k++) {
              Replica r = replicas.get(k);
              fs.add(threads.submit(() -> {
                for (int i = next.getAndIncrement(); i < batches.size(); i = next.getAndIncrement()) {
                  losses[i] = Trainer.step(r, data, batches.get(i), lr);
                }
                return null;
              }));
            }
            for (Future<?> f : fs) {
              f.get();
            }
            threads.shutdown();
          }
          print("cluster " + mode, losses);
        } finally {
          replicas.forEach(Replica::close);
        }
      }
    }
  }

  private static void print(String name, double[] losses) {
    StringBuilder sb = new StringBuilder("CURVE " + name + ":");
    double sum = 0;
    for (int i = 0; i < losses.length; i++) {
      sum += losses[i];
      if (i % 8 == 7) {
        sb.append(String.format(" %.4f", sum / 8));
        sum = 0;
      }
    }
    System.out.println(sb);
  }
}
