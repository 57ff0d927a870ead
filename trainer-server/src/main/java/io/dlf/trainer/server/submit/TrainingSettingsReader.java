package io.dlf.trainer.server.submit;

import io.dlf.proto.trainer.v1.TrainingSettings;
import io.dlf.server.GrpcErrors.FieldViolation;
import io.dlf.trainer.server.devices.DeviceRequest;
import io.dlf.trainer.training.Monitor;
import io.dlf.trainer.training.TrainingOptions;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Maps a request's training settings onto the training loop's options: an absent field keeps the
 * loop's default, a present one is checked by the options themselves.
 */
final class TrainingSettingsReader {
  private final List<FieldViolation> violations;
  private TrainingOptions options = TrainingOptions.defaults();

  private TrainingSettingsReader(List<FieldViolation> violations) {
    this.violations = violations;
  }

  /** The options, with what is wrong added to {@code violations}. */
  static TrainingOptions options(TrainingSettings s, List<FieldViolation> violations) {
    TrainingSettingsReader reader = new TrainingSettingsReader(violations);
    reader.set("training.max_epochs", s.hasMaxEpochs(), o -> o.maxEpochs(s.getMaxEpochs()));
    reader.set("training.batch_size", s.hasBatchSize(), o -> o.batchSize(s.getBatchSize()));
    reader.set("training.learning_rate", s.hasLearningRate(), o -> o.learningRate(s.getLearningRate()));
    reader.set("training.seed", s.hasSeed(), o -> o.seed(s.getSeed()));
    reader.set("training.checkpoint_every_epochs", s.hasCheckpointEveryEpochs(),
        o -> o.checkpointEveryEpochs(s.getCheckpointEveryEpochs()));
    reader.set("training.progress_every_steps", s.hasProgressEverySteps(),
        o -> o.progressEverySteps(s.getProgressEverySteps()));
    reader.set("training.early_stopping.patience", s.getEarlyStopping().hasPatience(),
        o -> o.patience(s.getEarlyStopping().getPatience()));
    switch (s.getEarlyStopping().getMonitor()) {
      case MONITOR_UNSPECIFIED -> { }
      case AUC -> reader.options = reader.options.monitor(Monitor.AUC);
      case LOGLOSS -> reader.options = reader.options.monitor(Monitor.LOGLOSS);
      case AUC_MINUS_LOGLOSS -> reader.options = reader.options.monitor(Monitor.AUC_MINUS_LOGLOSS);
      case UNRECOGNIZED -> violations.add(new FieldViolation("training.early_stopping.monitor",
          "unknown value; expected AUC, LOGLOSS or AUC_MINUS_LOGLOSS"));
    }
    return reader.options;
  }

  /** The device the settings ask for, PREFER_GPU when unset. */
  static DeviceRequest device(TrainingSettings s, List<FieldViolation> violations) {
    return DeviceRequests.of(s.getDevice()).orElseGet(() -> {
      violations.add(new FieldViolation("training.device", "unknown value; expected PREFER_GPU, REQUIRE_GPU or CPU"));
      return DeviceRequest.PREFER_GPU;
    });
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
