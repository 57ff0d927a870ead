package io.dlf.trainer.training;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dlf.dsl.Presets;
import io.dlf.dsl.compile.SessionConfigs;
import io.dlf.dsl.spec.ModelSpec;
import io.dlf.dsl.testing.RequiresDataset;
import io.dlf.dsl.testing.TestData;
import io.dlf.proto.model.v1.TrainingMetrics;
import io.dlf.trainer.data.BadRows;
import io.dlf.trainer.data.DatasetCatalog;
import io.dlf.trainer.data.DatasetSplits;
import io.dlf.trainer.data.FrappeHistory;
import io.dlf.trainer.encode.DataPreparation;
import io.dlf.trainer.encode.PreparedData;
import io.dlf.trainer.job.TrainingOptions;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.proto.ConfigProto;

/** The InterFormer preset reading frappe-history's training-split histories learns within one epoch. */
@RequiresDataset("frappe")
class InterFormerFrappeHistoryTrainingTest {
  private static final ConfigProto CONFIG = SessionConfigs.threads(2, 2);

  @Test
  void oneEpochBeatsAConstantPredictorClearly(@TempDir Path dir) throws Exception {
    DatasetCatalog.Entry entry = DatasetCatalog.get(DatasetCatalog.FRAPPE_HISTORY);
    DatasetSplits splits = entry.derivation().orElseThrow().write(entry.splits(TestData.root()), dir.resolve("data"));
    ModelSpec spec = Presets.interFormer().features(entry.features())
        .interFormer(i -> i.sequence(FrappeHistory.HISTORY)).build();
    PreparedData data = DataPreparation.prepare(spec, entry.schema(), splits, BadRows.FAIL);

    TrainingOptions options = TrainingOptions.defaults().maxEpochs(1).batchSize(4096).seed(2021);
    TrainingMetrics metrics = new Trainer(CONFIG).train(spec, data, options, dir.resolve("run"), TrainingListener.NONE,
        StopSignal.NEVER).metrics().orElseThrow();

    assertTrue(metrics.getValidation().getAuc() > 0.9, metrics.toString());
  }
}
