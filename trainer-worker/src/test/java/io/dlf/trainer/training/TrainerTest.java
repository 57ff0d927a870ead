package io.dlf.trainer.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dlf.dsl.Presets;
import io.dlf.dsl.compile.SessionConfigs;
import io.dlf.dsl.spec.Feature;
import io.dlf.dsl.spec.ModelSpec;
import io.dlf.dsl.spec.NumericTransform;
import io.dlf.proto.model.v1.EpochMetrics;
import io.dlf.proto.model.v1.TrainingMetrics;
import io.dlf.trainer.data.BadRows;
import io.dlf.trainer.data.DatasetSplits;
import io.dlf.trainer.data.SyntheticDataset;
import io.dlf.trainer.encode.DataPreparation;
import io.dlf.trainer.encode.PreparedData;
import io.dlf.trainer.job.TrainingOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The loop's protocol on generated data: learning, early stopping, pause and resume, cancel. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TrainerTest {
  private static final List<Feature> FEATURES = List.of(
      Feature.categorical("site"), Feature.categorical("ad"), Feature.categorical("device"),
      Feature.numeric("count").transform(NumericTransform.LOG1P), Feature.sequence("recent", 5));

  private final Trainer trainer = new Trainer(SessionConfigs.threads(2, 2));
  private ModelSpec spec;
  private PreparedData data;

  @BeforeAll
  void generate(@TempDir Path dir) throws Exception {
    SyntheticDataset synthetic = new SyntheticDataset(FEATURES, 11);
    DatasetSplits splits = synthetic.write(dir, 20_000, 4_000, 4_000);
    spec = Presets.dlfPaper(new Presets.Size(8, 2, 4, 4, 32)).features(FEATURES).build();
    data = DataPreparation.prepare(spec, synthetic.schema(), splits, BadRows.FAIL);
  }

  private TrainingOptions options() {
    return TrainingOptions.defaults().maxEpochs(3).batchSize(1000).learningRate(3e-3f).seed(5);
  }

  @Test
  void learnsTheGeneratedSignal(@TempDir Path work) throws Exception {
    List<EpochMetrics> epochs = new ArrayList<>();
    TrainingOutcome outcome = trainer.train(spec, data, options(), work, new TrainingListener() {
      @Override
      public void onEpoch(EpochMetrics metrics, boolean improved) {
        epochs.add(metrics);
      }
    }, StopSignal.NEVER);
    TrainingMetrics metrics = outcome.metrics().orElseThrow();
    assertTrue(metrics.getTest().getAuc() > 0.7, metrics.toString());
    assertEquals(3, epochs.size());
    assertEquals(metrics.getEpochsRun(), epochs.size());
    assertEquals(4_000, metrics.getTest().getExamples());
    assertTrue(metrics.getTest().getRocCount() > 2 && metrics.getTest().getRocCount() <= Metrics.ROC_POINTS,
        "the test ROC curve: " + metrics.getTest().getRocCount() + " points");
    assertEquals(0, metrics.getValidation().getRocCount(), "validation skips the ROC curve");
  }

  @Test
  void pausedRunResumesFromTheSameStepAndFinishes(@TempDir Path work) throws Exception {
    AtomicInteger polls = new AtomicInteger();
    // pause in the middle of epoch 2 (20 steps per epoch)
    TrainingOutcome paused = trainer.train(spec, data, options(), work, TrainingListener.NONE,
        () -> polls.incrementAndGet() == 27 ? StopSignal.Request.PAUSE : StopSignal.Request.CONTINUE);
    assertFalse(paused.completed());

    List<Integer> resumedAt = new ArrayList<>();
    TrainingOutcome resumed = trainer.train(spec, data, options(), work, new TrainingListener() {
      @Override
      public void onProgress(int epoch, int step, int steps, double loss, double samplesPerSecond) {
        if (resumedAt.isEmpty()) {
          resumedAt.add(epoch);
          resumedAt.add(step);
        }
      }
    }, StopSignal.NEVER);
    assertEquals(List.of(2, 7), resumedAt, "resumes with the step after the last one applied");
    TrainingMetrics metrics = resumed.metrics().orElseThrow();
    assertEquals(3, metrics.getEpochsRun());
    assertTrue(metrics.getTest().getAuc() > 0.7, metrics.toString());
  }

  @Test
  void earlyStoppingDecaysTheRateAndStops(@TempDir Path work) throws Exception {
    // a learning rate this high overfits at once: the monitor stops improving and patience runs out
    TrainingOptions options = options().maxEpochs(20).learningRate(0.05f).patience(2);
    TrainingMetrics metrics = trainer.train(spec, data, options, work, TrainingListener.NONE, StopSignal.NEVER)
        .metrics().orElseThrow();
    int epochs = metrics.getEpochsRun();
    assertTrue(epochs < 20, "stopped early after " + epochs + " epochs");
    List<EpochMetrics> history = metrics.getHistoryList();
    EpochMetrics last = history.get(epochs - 1);
    EpochMetrics beforeLast = history.get(epochs - 2);
    assertEquals(beforeLast.getLearningRate() * 0.1, last.getLearningRate(), 1e-9,
        "the rate was cut after a non-improving epoch");
    assertEquals(epochs - 2, metrics.getBestEpoch());
  }

  @Test
  void cancelStopsAtOnce(@TempDir Path work) {
    AtomicInteger polls = new AtomicInteger();
    assertThrows(CancellationException.class, () -> trainer.train(spec, data, options(), work, TrainingListener.NONE,
        () -> polls.incrementAndGet() > 3 ? StopSignal.Request.CANCEL : StopSignal.Request.CONTINUE));
    assertEquals(4, polls.get());
  }
}
