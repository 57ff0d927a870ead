package io.dlf.client.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dlf.proto.trainer.v1.ClusterShape;
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

  @Test
  void microBatchesAreSetOnlyWhenGiven() {
    assertEquals(4, CommandLine.populateCommand(new TrainCommand.TrainingOptions(), "--micro-batches", "4").toProto()
        .getMicroBatches());
    assertFalse(CommandLine.populateCommand(new TrainCommand.TrainingOptions(), "--epochs", "2").toProto()
        .hasMicroBatches());
  }

  @Test
  void theEvalBatchSizeIsSetOnlyWhenGiven() {
    assertEquals(4096, CommandLine.populateCommand(new TrainCommand.TrainingOptions(), "--eval-batch-size", "4096")
        .toProto().getEvalBatchSize());
    assertFalse(CommandLine.populateCommand(new TrainCommand.TrainingOptions(), "--epochs", "2").toProto()
        .hasEvalBatchSize());
  }

  @Test
  void workersAndParameterServersAskForACluster() {
    TrainingSettings settings = CommandLine.populateCommand(new TrainCommand.TrainingOptions(),
        "--workers", "2", "--parameter-servers", "3").toProto();
    assertEquals(ClusterShape.newBuilder().setWorkers(2).setParameterServers(3).build(), settings.getCluster());
    assertFalse(CommandLine.populateCommand(new TrainCommand.TrainingOptions(), "--epochs", "2").toProto().hasCluster());
    assertTrue(CommandLine.populateCommand(new TrainCommand.TrainingOptions(),
        "--workers", "2", "--parameter-servers", "3", "--synchronous").toProto().getCluster().getSynchronous());
  }

  @Test
  void oneCountAloneIsSentAsGivenForTheTrainerToName() {
    ClusterShape cluster = CommandLine.populateCommand(new TrainCommand.TrainingOptions(), "--workers", "2").toProto()
        .getCluster();
    assertTrue(cluster.hasWorkers());
    assertFalse(cluster.hasParameterServers());
  }
}
