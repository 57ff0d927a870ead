package io.dlf.client.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.dlf.proto.trainer.v1.TrainingSettings;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code dlfctl train}'s training options as the request's TrainingSettings. */
class TrainingOptionsTest {

  @Test
  void precisionIsSetOnlyWhenGiven() {
    assertEquals(TrainingSettings.Precision.BFLOAT16, CommandLine.populateCommand(new TrainCommand.TrainingOptions(),
        "--precision", "BFLOAT16").toProto().getPrecision());
    assertEquals(TrainingSettings.Precision.PRECISION_UNSPECIFIED,
        CommandLine.populateCommand(new TrainCommand.TrainingOptions(), "--epochs", "2").toProto().getPrecision());
  }
}
