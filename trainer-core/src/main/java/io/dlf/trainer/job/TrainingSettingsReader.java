package io.dlf.trainer.job;

import io.dlf.dsl.spec.Quoted;
import io.dlf.dsl.training.OptimizerSettings;
import io.dlf.proto.trainer.v1.TrainingSettings;
import io.dlf.server.GrpcErrors.FieldViolation;
import io.dlf.trainer.job.Monitor;
import io.dlf.trainer.job.TrainingOptions;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.UnaryOperator;

/**
 * Maps a request's training settings onto the training loop's options: an absent field keeps the
 * loop's default, a present one is checked by the options themselves. The proto's counts are
 * unsigned: one beyond {@code int} is refused here, by its unsigned value.
 */
public final class TrainingSettingsReader {
  private final List<FieldViolation> violations;
  private TrainingOptions options = TrainingOptions.defaults();

  private TrainingSettingsReader(List<FieldViolation> violations) {
    this.violations = violations;
  }

  /** The options, with what is wrong added to {@code violations}. */
  public static TrainingOptions options(TrainingSettings s, List<FieldViolation> violations) {
    TrainingSettingsReader reader = new TrainingSettingsReader(violations);
    reader.setCount("training.max_epochs", s.hasMaxEpochs(), s.getMaxEpochs(), TrainingOptions.MAX_EPOCHS,
        TrainingOptions::maxEpochs);
    reader.setCount("training.batch_size", s.hasBatchSize(), s.getBatchSize(), TrainingOptions.MAX_BATCH_SIZE,
        TrainingOptions::batchSize);
    reader.setCount("training.micro_batches", s.hasMicroBatches(), s.getMicroBatches(),
        OptimizerSettings.MAX_MICRO_BATCHES, TrainingOptions::microBatches);
    reader.setCount("training.eval_batch_size", s.hasEvalBatchSize(), s.getEvalBatchSize(),
        TrainingOptions.MAX_BATCH_SIZE, TrainingOptions::evalBatchSize);
    reader.set("training.learning_rate", s.hasLearningRate(), o -> o.learningRate(s.getLearningRate()));
    reader.set("training.seed", s.hasSeed(), o -> o.seed(s.getSeed()));
    reader.setCount("training.checkpoint_every_epochs", s.hasCheckpointEveryEpochs(), s.getCheckpointEveryEpochs(),
        TrainingOptions.MAX_EPOCHS, TrainingOptions::checkpointEveryEpochs);
    reader.setCount("training.progress_every_steps", s.hasProgressEverySteps(), s.getProgressEverySteps(),
        TrainingOptions.MAX_PROGRESS_EVERY_STEPS, TrainingOptions::progressEverySteps);
    reader.setCount("training.early_stopping.patience", s.getEarlyStopping().hasPatience(),
        s.getEarlyStopping().getPatience(), TrainingOptions.MAX_EPOCHS, TrainingOptions::patience);
    switch (s.getEarlyStopping().getMonitor()) {
      case MONITOR_UNSPECIFIED -> { }
      case AUC -> reader.options = reader.options.monitor(Monitor.AUC);
      case LOGLOSS -> reader.options = reader.options.monitor(Monitor.LOGLOSS);
      case AUC_MINUS_LOGLOSS -> reader.options = reader.options.monitor(Monitor.AUC_MINUS_LOGLOSS);
      case UNRECOGNIZED -> violations.add(new FieldViolation("training.early_stopping.monitor",
          "unknown value; expected AUC, LOGLOSS or AUC_MINUS_LOGLOSS"));
    }
    switch (s.getPrecision()) {
      case PRECISION_UNSPECIFIED, FLOAT32 -> { }
      case BFLOAT16 -> reader.options = reader.options.precision(Precision.BFLOAT16);
      case UNRECOGNIZED -> violations.add(new FieldViolation("training.precision",
          "unknown value; expected FLOAT32 or BFLOAT16"));
    }
    return reader.options;
  }

  /** A uint32 count: one that does not fit an {@code int} is far above any maximum. */
  private void setCount(String field, boolean present, int unsigned, int max,
      BiFunction<TrainingOptions, Integer, TrainingOptions> change) {
    if (present && unsigned < 0) {
      violations.add(new FieldViolation(field, Integer.toUnsignedString(unsigned) + " must be at most "
          + Quoted.count(max)));
      return;
    }
    set(field, present, o -> change.apply(o, unsigned));
  }

  private void set(String field, boolean present, UnaryOperator<TrainingOptions> change) {
    if (!present) {
      return;
    }
    try {
      options = change.apply(options);
    } catch (IllegalArgumentException e) {
      // The options say "training.<name>: <value> must be ..."; the field path is ours.
      String message = e.getMessage();
      violations.add(new FieldViolation(field, message.substring(message.indexOf(": ") + 2)));
    }
  }
}
