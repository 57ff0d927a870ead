package io.dlf.trainer.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dlf.dsl.Presets;
import io.dlf.dsl.compile.SessionConfigs;
import io.dlf.dsl.encode.RawBatch;
import io.dlf.dsl.export.ExportedModel;
import io.dlf.dsl.export.ModelExporter;
import io.dlf.dsl.repository.ModelRepository;
import io.dlf.dsl.spec.ModelSpec;
import io.dlf.dsl.testing.RequiresDataset;
import io.dlf.dsl.testing.TestData;
import io.dlf.proto.model.v1.TrainingMetrics;
import io.dlf.trainer.data.BadRows;
import io.dlf.trainer.data.DatasetCatalog;
import io.dlf.trainer.data.RowReader;
import io.dlf.trainer.encode.DataPreparation;
import io.dlf.trainer.encode.PreparedData;
import io.dlf.trainer.job.TrainingOptions;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.proto.ConfigProto;

/** A short real run on Frappe, then the exported version predicts the test rows from their raw values. */
@RequiresDataset("frappe")
class FrappeTrainingTest {
  private static final ConfigProto CONFIG = SessionConfigs.threads(2, 2);
  private static final int CHECKED_ROWS = 2_000;

  @Test
  void oneEpochLearnsAndTheExportPredictsFromRawValues(@TempDir Path dir) throws Exception {
    DatasetCatalog.Entry frappe = DatasetCatalog.get(DatasetCatalog.FRAPPE);
    ModelSpec spec = Presets.dlfPaper(new Presets.Size(8, 2, 8, 4, 64)).features(frappe.features()).build();
    PreparedData data = DataPreparation.prepare(spec, frappe.schema(), frappe.splits(TestData.root()), BadRows.FAIL);
    assertEquals(202_027, data.train().size());
    assertEquals(57_722, data.validation().size());
    assertEquals(28_860, data.test().size());

    TrainingOptions options = TrainingOptions.defaults().maxEpochs(1).batchSize(4096).seed(7);
    TrainingOutcome outcome = new Trainer(CONFIG).train(spec, data, options, dir.resolve("work"), TrainingListener.NONE,
        StopSignal.NEVER);
    TrainingMetrics metrics = outcome.metrics().orElseThrow();

    // A constant predictor has AUC 0.5 and, at Frappe's 1/3 click rate, logloss 0.637.
    assertTrue(metrics.getValidation().getAuc() > 0.85, metrics.toString());
    assertTrue(metrics.getValidation().getLogloss() < 0.45, metrics.toString());
    assertTrue(metrics.getTest().getAuc() > 0.85, metrics.toString());
    assertEquals(1, metrics.getBestEpoch());

    ModelRepository repository = new ModelRepository(dir.resolve("models"));
    long version = new ModelExporter(repository, CONFIG).export(new ModelExporter.Request("frappe", spec,
        data.vocabularies(), outcome.bestCheckpoint(), metrics, "", options.seed()));
    float[] expected = java.util.Arrays.copyOf(
        new Trainer(CONFIG).predict(spec, data, data.test(), outcome.bestCheckpoint(), options), CHECKED_ROWS);
    try (ExportedModel model = ExportedModel.load(repository.versionDir("frappe", version), CONFIG)) {
      assertArrayEquals(expected, model.predict(rawTestRows(frappe)), 1e-5f);
    }
  }

  /** The first test rows as raw values, column by column, read straight from the file. */
  private static RawBatch rawTestRows(DatasetCatalog.Entry frappe) {
    List<String> fields = DatasetCatalog.FRAPPE_FIELDS;
    Map<String, String[]> columns = new HashMap<>();
    fields.forEach(f -> columns.put(f, new String[CHECKED_ROWS]));
    int[] row = {0};
    new RowReader(frappe.schema(), frappe.features(), BadRows.FAIL).read(frappe.splits(TestData.root()).test(), r -> {
      if (row[0] < CHECKED_ROWS) {
        for (int f = 0; f < fields.size(); f++) {
          columns.get(fields.get(f))[row[0]] = r.token(f);
        }
      }
      row[0]++;
    });
    return new RawBatch(CHECKED_ROWS, columns, Map.of(), Map.of());
  }
}
