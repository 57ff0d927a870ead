package io.dlf.bench;

import io.dlf.dsl.Presets;
import io.dlf.dsl.compile.SessionConfigs;
import io.dlf.dsl.plan.ModelPlan;
import io.dlf.dsl.spec.ModelSpec;
import io.dlf.dsl.spec.Regularization;
import io.dlf.proto.model.v1.EpochMetrics;
import io.dlf.proto.model.v1.TrainingMetrics;
import io.dlf.trainer.data.BadRows;
import io.dlf.trainer.data.DatasetCatalog;
import io.dlf.trainer.encode.DataPreparation;
import io.dlf.trainer.encode.PreparedData;
import io.dlf.trainer.job.Monitor;
import io.dlf.trainer.job.TrainingOptions;
import io.dlf.trainer.training.StopSignal;
import io.dlf.trainer.training.Trainer;
import io.dlf.trainer.training.TrainingListener;
import io.dlf.trainer.training.TrainingOutcome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** One training run of a preset on a catalog dataset, printing each epoch: a tool for experiments. */
@Command(name = "train-once", mixinStandardHelpOptions = true)
public final class TrainOnce implements Callable<Integer> {
  @Option(names = "--dataset", defaultValue = "frappe") String dataset;
  @Option(names = "--data-root", defaultValue = "../shared/data") Path dataRoot;
  @Option(names = "--preset", defaultValue = "dlf-paper") String preset;
  @Option(names = "--dim", defaultValue = "16") int dim;
  @Option(names = "--layers", defaultValue = "3") int layers;
  @Option(names = "--tokens", defaultValue = "16") int tokens;
  @Option(names = "--rank", defaultValue = "8") int rank;
  @Option(names = "--hidden", defaultValue = "128") int hidden;
  @Option(names = "--dropout", defaultValue = "0") float dropout;
  @Option(names = "--emb-l2", defaultValue = "0") float embL2;
  @Option(names = "--net-l2", defaultValue = "0") float netL2;
  @Option(names = "--epochs", defaultValue = "100") int epochs;
  @Option(names = "--batch", defaultValue = "10000") int batch;
  @Option(names = "--lr", defaultValue = "0.001") float lr;
  @Option(names = "--seed", defaultValue = "2019") long seed;
  @Option(names = "--monitor", defaultValue = "AUC_MINUS_LOGLOSS") Monitor monitor;
  @Option(names = "--intra", defaultValue = "2") int intra;
  @Option(names = "--inter", defaultValue = "2") int inter;
  @Option(names = "--work-dir") Path workDir;

  public static void main(String[] args) {
    System.exit(new CommandLine(new TrainOnce()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    DatasetCatalog.Entry entry = DatasetCatalog.get(dataset);
    ModelSpec spec = Presets.named(preset, new Presets.Size(dim, layers, tokens, rank, hidden))
        .features(entry.features())
        .dropout(dropout)
        .regularization(new Regularization(embL2, netL2))
        .build();
    System.out.println(ModelPlan.of(spec).summary().table());
    long t0 = System.nanoTime();
    PreparedData data = DataPreparation.prepare(spec, entry.schema(), entry.splits(dataRoot), BadRows.FAIL);
    System.out.printf("data prepared in %.1fs: %d/%d/%d rows%n", (System.nanoTime() - t0) / 1e9,
        data.train().size(), data.validation().size(), data.test().size());
    Path dir = workDir != null ? workDir : Files.createTempDirectory("train-once");
    TrainingOptions options = TrainingOptions.defaults().maxEpochs(epochs).batchSize(batch).learningRate(lr)
        .seed(seed).monitor(monitor).progressEverySteps(5);
    TrainingOutcome outcome = new Trainer(SessionConfigs.threads(intra, inter)).train(spec, data, options, dir,
        new TrainingListener() {
          @Override
          public void onProgress(int epoch, int step, int steps, double loss, double samplesPerSecond) {
            System.out.printf("epoch %d step %d/%d loss %.4f %.0f samples/s%n", epoch, step, steps, loss, samplesPerSecond);
          }

          @Override
          public void onEpoch(EpochMetrics m, boolean improved) {
            System.out.printf("epoch %d: train loss %.4f, val AUC %.4f logloss %.4f, lr %.0e, %.1fs%s%n", m.getEpoch(),
                m.getTrainLoss(), m.getValidation().getAuc(), m.getValidation().getLogloss(), m.getLearningRate(),
                m.getSeconds(), improved ? " *" : "");
          }
        }, StopSignal.NEVER);
    TrainingMetrics metrics = outcome.metrics().orElseThrow();
    System.out.printf("best epoch %d: val AUC %.4f logloss %.4f | test AUC %.4f logloss %.4f | %.0f samples/s%n",
        metrics.getBestEpoch(), metrics.getValidation().getAuc(), metrics.getValidation().getLogloss(),
        metrics.getTest().getAuc(), metrics.getTest().getLogloss(), metrics.getTrainSamplesPerSecond());
    return 0;
  }
}
