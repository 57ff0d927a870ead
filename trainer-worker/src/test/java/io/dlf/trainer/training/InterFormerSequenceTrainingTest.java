package io.dlf.trainer.training;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dlf.dsl.Presets;
import io.dlf.dsl.compile.SessionConfigs;
import io.dlf.dsl.spec.ModelSpec;
import io.dlf.dsl.spec.ModelSpecBuilder;
import io.dlf.proto.model.v1.TrainingMetrics;
import io.dlf.trainer.data.BadRows;
import io.dlf.trainer.data.DatasetSplits;
import io.dlf.trainer.data.HistorySignalDataset;
import io.dlf.trainer.encode.DataPreparation;
import io.dlf.trainer.encode.PreparedData;
import io.dlf.trainer.job.TrainingOptions;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.proto.ConfigProto;

/**
 * InterFormer reads the behaviour sequence: on {@link HistorySignalDataset}, where only the history
 * decides the label, one epoch with the sequence beats the same model without it clearly.
 */
class InterFormerSequenceTrainingTest {
  private static final ConfigProto CONFIG = SessionConfigs.threads(2, 2);
  private static final int LENGTH = 10;

  @Test
  void theSequenceArchLearnsWhatTheFieldsCannot(@TempDir Path dir) throws Exception {
    HistorySignalDataset generator = new HistorySignalDataset(LENGTH, 7);
    DatasetSplits splits = generator.write(dir.resolve("data"), 80_000, 8_000, 1_000);
    ModelSpecBuilder base = Presets.interFormer().features(generator.features());

    double withHistory = validationAuc(base.interFormer(i -> i.sequence("history")).build(), generator, splits,
        dir.resolve("with"));
    double without = validationAuc(Presets.interFormer().features(generator.features().subList(0, 2)).build(),
        generator, splits, dir.resolve("without"));

    // the label is sigmoid(-1.5 + 3 [history shares the candidate's category]): the Bayes AUC is about 0.8
    assertTrue(without < 0.6, "without the sequence: " + without);
    assertTrue(withHistory > 0.7 && withHistory > without + 0.1, "with " + withHistory + ", without " + without);
  }

  private static double validationAuc(ModelSpec spec, HistorySignalDataset generator, DatasetSplits splits, Path dir)
      throws Exception {
    PreparedData data = DataPreparation.prepare(spec, generator.schema(), splits, BadRows.FAIL);
    TrainingOptions options = TrainingOptions.defaults().maxEpochs(1).batchSize(256).learningRate(3e-3f).seed(2024);
    TrainingMetrics metrics = new Trainer(CONFIG).train(spec, data, options, dir, TrainingListener.NONE,
        StopSignal.NEVER).metrics().orElseThrow();
    return metrics.getValidation().getAuc();
  }
}
