package io.dlf.trainer.training;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dlf.dsl.Presets;
import io.dlf.dsl.compile.SessionConfigs;
import io.dlf.dsl.spec.MaskSchedule;
import io.dlf.dsl.spec.ModelSpec;
import io.dlf.dsl.testing.RequiresDataset;
import io.dlf.dsl.testing.TestData;
import io.dlf.proto.model.v1.TrainingMetrics;
import io.dlf.trainer.data.BadRows;
import io.dlf.trainer.data.DatasetCatalog;
import io.dlf.trainer.encode.DataPreparation;
import io.dlf.trainer.encode.PreparedData;
import io.dlf.trainer.job.TrainingOptions;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.tensorflow.proto.ConfigProto;

/**
 * The MGDIN preset, with either deferral schedule, trained as the baselines are on Frappe (batch 4096,
 * Adam at 1e-3), learns within one epoch.
 */
@RequiresDataset("frappe")
class MgdinFrappeTrainingTest {
  private static final ConfigProto CONFIG = SessionConfigs.threads(2, 2);

  @ParameterizedTest
  @EnumSource(value = MaskSchedule.class, names = {"GROUP", "PAIR"})
  void oneEpochBeatsAConstantPredictorClearly(MaskSchedule schedule, @TempDir Path dir) throws Exception {
    DatasetCatalog.Entry frappe = DatasetCatalog.get(DatasetCatalog.FRAPPE);
    ModelSpec spec = Presets.mgdin().features(frappe.features()).mgdin(m -> m.schedule(schedule)).build();
    PreparedData data = DataPreparation.prepare(spec, frappe.schema(), frappe.splits(TestData.root()), BadRows.FAIL);

    TrainingOptions options = TrainingOptions.defaults().maxEpochs(1).batchSize(4096).seed(2021);
    TrainingMetrics metrics = new Trainer(CONFIG).train(spec, data, options, dir, TrainingListener.NONE,
        StopSignal.NEVER).metrics().orElseThrow();

    // a constant predictor has AUC 0.5; both schedules reach about 0.94 after one epoch (about 85 s each on 2 cores)
    assertTrue(metrics.getValidation().getAuc() > 0.9, schedule + " " + metrics);
  }
}
