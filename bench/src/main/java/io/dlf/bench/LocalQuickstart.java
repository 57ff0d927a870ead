package io.dlf.bench;

import io.dlf.dsl.Presets;
import io.dlf.dsl.compile.SessionConfigs;
import io.dlf.dsl.encode.RawBatch;
import io.dlf.dsl.export.ExportedModel;
import io.dlf.dsl.export.ModelExporter;
import io.dlf.dsl.export.ModelRepository;
import io.dlf.dsl.spec.Feature;
import io.dlf.dsl.spec.ModelSpec;
import io.dlf.proto.model.v1.EpochMetrics;
import io.dlf.proto.model.v1.TrainingMetrics;
import io.dlf.trainer.data.BadRows;
import io.dlf.trainer.data.DataPreparation;
import io.dlf.trainer.data.DatasetCatalog;
import io.dlf.trainer.data.DatasetSchema;
import io.dlf.trainer.data.DatasetSplits;
import io.dlf.trainer.data.PreparedData;
import io.dlf.trainer.data.SyntheticDataset;
import io.dlf.trainer.training.StopSignal;
import io.dlf.trainer.training.Trainer;
import io.dlf.trainer.training.TrainingListener;
import io.dlf.trainer.training.TrainingOptions;
import io.dlf.trainer.training.TrainingOutcome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import org.tensorflow.proto.ConfigProto;

/**
 * The in-process main job: train a small DLF on Frappe (or on generated data when Frappe is not
 * there), export it as version N of a model, load that version and predict from raw values.
 */
@Command(name = "quickstart", mixinStandardHelpOptions = true,
    description = "Train DLF on Frappe, export a version, load it and predict from raw feature values.")
public final class LocalQuickstart implements Callable<Integer> {
  @Option(names = "--data-root", description = "folder holding frappe/ (default: $DLF_DATA or ../shared/data)")
  Path dataRoot;
  @Option(names = "--home", defaultValue = "data", description = "where the model repository and runs go")
  Path home;
  @Option(names = "--epochs", defaultValue = "3") int epochs;

  public static void main(String[] args) {
    System.exit(new CommandLine(new LocalQuickstart()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    Path root = dataRoot != null ? dataRoot
        : Path.of(System.getenv().getOrDefault("DLF_DATA", "../shared/data"));
    List<Feature> features;
    DatasetSchema schema;
    DatasetSplits splits;
    if (Files.isDirectory(root.resolve("frappe"))) {
      DatasetCatalog.Entry frappe = DatasetCatalog.get(DatasetCatalog.FRAPPE);
      features = frappe.features();
      schema = frappe.schema();
      splits = frappe.splits(root);
      System.out.println("Training on Frappe from " + root.toAbsolutePath().normalize());
    } else {
      features = DatasetCatalog.FRAPPE_FIELDS.stream().map(Feature::categorical).toList();
      SyntheticDataset synthetic = new SyntheticDataset(features, 1);
      schema = synthetic.schema();
      splits = synthetic.write(home.resolve("generated"), 100_000, 20_000, 20_000);
      System.out.println("No Frappe data under " + root.toAbsolutePath().normalize()
          + " (set DLF_DATA): training on generated data with Frappe's field names instead");
    }
    ModelSpec spec = Presets.dlfPaper(new Presets.Size(16, 2, 8, 8, 128)).features(features).dropout(0.1f).build();
    System.out.println(spec.summary().table());
    PreparedData data = DataPreparation.prepare(spec, schema, splits, BadRows.FAIL);
    ConfigProto config = SessionConfigs.threads(2, 2);
    TrainingOptions options = TrainingOptions.defaults().maxEpochs(epochs).batchSize(4096).seed(2019)
        .progressEverySteps(10);
    Path run = Files.createDirectories(home.resolve("runs")).resolve("quickstart-" + System.currentTimeMillis());
    TrainingOutcome outcome = new Trainer(config).train(spec, data, options, run, new TrainingListener() {
      @Override
      public void onProgress(int epoch, int step, int steps, double loss, double samplesPerSecond) {
        System.out.printf("epoch %d step %d/%d  loss %.4f  %.0f samples/s%n", epoch, step, steps, loss, samplesPerSecond);
      }

      @Override
      public void onEpoch(EpochMetrics m, boolean improved) {
        System.out.printf("epoch %d: validation AUC %.4f logloss %.4f%s%n", m.getEpoch(), m.getValidation().getAuc(),
            m.getValidation().getLogloss(), improved ? " (best so far)" : "");
      }
    }, StopSignal.NEVER);
    TrainingMetrics metrics = outcome.metrics().orElseThrow();
    ModelRepository repository = new ModelRepository(home.resolve("models"));
    long version = new ModelExporter(repository, config).export(new ModelExporter.Request("dlf-quickstart", spec,
        data.vocabularies(), outcome.bestCheckpoint(), metrics, run.getFileName().toString(), options.seed()));
    System.out.printf("%nTest AUC %.4f, logloss %.4f (best epoch %d)%n", metrics.getTest().getAuc(),
        metrics.getTest().getLogloss(), metrics.getBestEpoch());
    System.out.println("Exported version " + version + " to " + repository.versionDir("dlf-quickstart", version));
    try (ExportedModel model = ExportedModel.load(repository.versionDir("dlf-quickstart", version), config)) {
      RawBatch rows = RawRows.first(schema, features, splits.test(), 5);
      float[] p = model.predict(rows);
      System.out.println("Predictions from raw feature values of the first test rows:");
      for (int i = 0; i < p.length; i++) {
        StringBuilder line = new StringBuilder();
        for (Feature f : features) {
          line.append(f.name()).append('=').append(rows.strings().get(f.name())[i]).append(' ');
        }
        System.out.printf("  %s-> %.4f%n", line, p[i]);
      }
    }
    return 0;
  }
}
