package io.dlf.trainer.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.util.JsonFormat;
import io.dlf.dsl.compile.SessionConfigs;
import io.dlf.dsl.export.ModelExporter;
import io.dlf.dsl.repository.ModelRepository;
import io.dlf.proto.model.v1.EpochMetrics;
import io.dlf.proto.train.v1.TrainingState;
import io.dlf.proto.trainer.v1.GetJobRequest;
import io.dlf.proto.trainer.v1.Job;
import io.dlf.proto.trainer.v1.JobEvent;
import io.dlf.proto.trainer.v1.JobState;
import io.dlf.proto.trainer.v1.RunPhase;
import io.dlf.proto.trainer.v1.TrainerServiceGrpc;
import io.dlf.trainer.server.store.FileJobStore;
import io.grpc.ManagedChannel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trainer as its own process, started by its main: killed hard while a job trains, started
 * again on the same data folder, the job resumes from its last checkpoint and exports exactly one
 * version.
 */
@Tag("e2e")
class TrainerProcessRestartTest {
  private static final Duration LONG = Duration.ofMinutes(3);
  /** More epochs than the kill can overtake: the model is small enough that another may end before it lands. */
  private static final int EPOCHS = 6;

  @Test
  void aJobRunningWhenTheProcessIsKilledResumesAfterRestartAndExportsOnce(@TempDir Path dir) throws Exception {
    Path root = dir.resolve("data");
    GeneratedData.write(root, "large", 8_000);
    TrainerProcess first = TrainerProcess.start(dir, "first", args(dir, root));
    Job job = stub(first.channel).submitJob(GeneratedData.slowRequest("large", "killed", EPOCHS));
    JobWatching.until(first.channel, job.getId(),
        e -> e.hasEpochEnded() && e.getEpochEnded().getMetrics().getEpoch() == 1, LONG);
    first.kill();
    first.close();

    TrainingState checkpointed;
    List<EpochMetrics> checkpointedEpochs;
    try (FileJobStore store = FileJobStore.open(dir.resolve("trainer"))) {
      Job stored = store.loadAll().get(0);
      assertEquals(JobState.RUNNING, stored.getState(), "the killed process could not record anything: " + stored);
      assertEquals(RunPhase.TRAINING, stored.getPhase());
      checkpointed = lastCheckpoint(store.workDir(job.getId()));
      checkpointedEpochs = stored.getEpochsList().stream().filter(e -> e.getEpoch() < checkpointed.getEpoch())
          .toList();
    }
    assertTrue(checkpointed.getEpoch() >= 2, "epoch 1 ended before the kill, so its checkpoint is kept: "
        + checkpointed);
    assertEquals(checkpointed.getEpoch() - 1, checkpointedEpochs.size(), "the job recorded every checkpointed epoch");

    try (TrainerProcess second = TrainerProcess.start(dir, "second", first.port, args(dir, root))) {
      ManagedChannel channel = second.channel;
      List<JobEvent> events = JobWatching.toEnd(channel, job.getId(), LONG);
      Job ended = stub(channel).getJob(GetJobRequest.newBuilder().setJobId(job.getId()).build());
      assertEquals(JobState.SUCCEEDED, ended.getState(), ended + second.log());
      assertEquals(2, ended.getAttempts());
      // The watch starts with the job as it stands, which may be some epochs after the resume: what
      // proves the resume is that the checkpointed epochs kept their first run's figures (each
      // epoch's seconds included), which a run from scratch would have replaced.
      assertEquals(checkpointedEpochs, ended.getEpochsList().subList(0, checkpointedEpochs.size()),
          "resumed from the last checkpoint before the kill: " + checkpointed);
      assertEquals(IntStream.rangeClosed(1, EPOCHS).boxed().toList(),
          ended.getEpochsList().stream().map(EpochMetrics::getEpoch).toList());
      assertTrue(events.stream().filter(JobEvent::hasProgress)
              .allMatch(e -> e.getProgress().getEpoch() >= checkpointed.getEpoch()),
          "no epoch before the checkpoint ran again: " + events);
      assertTrue(ended.getTransitionsList().stream().anyMatch(t -> t.getState() == JobState.QUEUED
          && t.getMessage().contains("resumes from its last checkpoint")), ended.toString());

      ModelRepository repository = new ModelRepository(dir.resolve("trainer/models"));
      assertEquals(List.of(1L), repository.versions("killed"));
      assertEquals(1L, new ModelExporter(repository, SessionConfigs.threads(1, 1))
          .versionWithKey("killed", job.getId()).orElseThrow());
    }
  }

  /** The training state the killed process last committed: the epoch in progress or the next to run. */
  private static TrainingState lastCheckpoint(Path workDir) throws IOException {
    TrainingState.Builder state = TrainingState.newBuilder();
    JsonFormat.parser().merge(Files.readString(workDir.resolve("state.json")), state);
    return state.build();
  }

  private static TrainerServiceGrpc.TrainerServiceBlockingStub stub(ManagedChannel channel) {
    return TrainerServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  private static List<String> args(Path dir, Path root) {
    return List.of("--data-dir", dir.resolve("trainer").toString(), "--data-root", root.toString(), "--cpu-only",
        "--tf-intra-threads", "1", "--tf-inter-threads", "1");
  }
}
