package io.dlf.bench;

import com.google.gson.Gson;
import io.dlf.dsl.Presets;
import io.dlf.dsl.compile.SessionConfigs;
import io.dlf.dsl.export.ModelExporter;
import io.dlf.dsl.repository.ModelRepository;
import io.dlf.dsl.spec.ModelSpec;
import io.dlf.proto.model.v1.EpochMetrics;
import io.dlf.proto.model.v1.TrainingMetrics;
import io.dlf.trainer.data.BadRows;
import io.dlf.trainer.data.DatasetCatalog;
import io.dlf.trainer.encode.DataPreparation;
import io.dlf.trainer.encode.PreparedData;
import io.dlf.trainer.job.Precision;
import io.dlf.trainer.job.TrainingOptions;
import io.dlf.trainer.training.StopSignal;
import io.dlf.trainer.training.Trainer;
import io.dlf.trainer.training.TrainingListener;
import io.dlf.trainer.training.TrainingOutcome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * One measurement of {@link TrainingBenchmark}, in its own JVM: one epoch of the reference preset
 * on Frappe at one batch size and precision; per-step throughput, the epoch's training time and
 * the process's peak resident memory. Optionally exports the trained model for the inference part.
 */
@Command(name = "training-throughput-worker")
public final class TrainingThroughputWorker implements Callable<Integer> {
  private static final int WARM_UP_STEPS = 2;

  @Option(names = "--data-root", required = true) Path dataRoot;
  @Option(names = "--batch", required = true) int batch;
  @Option(names = "--bfloat16") boolean bfloat16;
  @Option(names = "--work-dir", required = true) Path workDir;
  @Option(names = "--export-to") Path exportTo;

  public static void main(String[] args) {
    System.exit(new CommandLine(new TrainingThroughputWorker()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    DatasetCatalog.Entry frappe = DatasetCatalog.get(DatasetCatalog.FRAPPE);
    ModelSpec spec = Presets.dlfReference().features(frappe.features()).build();
    PreparedData data = DataPreparation.prepare(spec, frappe.schema(), frappe.splits(dataRoot), BadRows.FAIL);
    List<Double> stepRates = new ArrayList<>();
    double[] epochSeconds = {Double.NaN};
    TrainingOptions options = TrainingOptions.defaults().maxEpochs(1).batchSize(batch).seed(2019).progressEverySteps(1)
        .precision(bfloat16 ? Precision.BFLOAT16 : Precision.FLOAT32);
    var config = SessionConfigs.threads(2, 2);
    Files.createDirectories(workDir);
    TrainingOutcome outcome = new Trainer(config).train(spec, data, options, workDir, new TrainingListener() {
      @Override
      public void onProgress(int epoch, int step, int steps, double loss, double samplesPerSecond) {
        // the last step is a partial batch: leave it out with the warm-up steps
        if (step > WARM_UP_STEPS && step < steps) {
          stepRates.add(samplesPerSecond);
        }
      }

      @Override
      public void onEpoch(EpochMetrics metrics, boolean improved) {
        epochSeconds[0] = metrics.getSeconds();
      }
    }, StopSignal.NEVER);
    TrainingMetrics metrics = outcome.metrics().orElseThrow();
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("batch", batch);
    result.put("precision", bfloat16 ? "bfloat16" : "float32");
    result.put("median_samples_per_s", Stats.median(stepRates.stream().mapToDouble(Double::doubleValue).toArray()));
    result.put("timed_steps", stepRates.size());
    result.put("epoch_seconds", epochSeconds[0]);
    result.put("peak_rss_mib", MachineInfo.peakResidentMib());
    result.put("validation_auc_after_one_epoch", metrics.getValidation().getAuc());
    if (exportTo != null) {
      ModelRepository repository = new ModelRepository(exportTo);
      long version = new ModelExporter(repository, config).export(new ModelExporter.Request("dlf-reference-bench", spec,
          data.vocabularies(), outcome.bestCheckpoint(), metrics, "", options.seed()));
      result.put("exported", repository.versionDir("dlf-reference-bench", version).toString());
    }
    System.out.println(ChildJvm.RESULT + new Gson().toJson(result));
    return 0;
  }
}
