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
import io.grpc.ManagedChannelBuilder;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
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
    int port = freePort();
    ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    try {
      Process first = startTrainer(dir, root, port, "first");
      awaitServing(channel, first, dir.resolve("first.log"));
      Job job = stub(channel).submitJob(GeneratedData.request("large", "killed", EPOCHS));
      JobWatching.until(channel, job.getId(), e -> e.hasEpochEnded() && e.getEpochEnded().getMetrics().getEpoch() == 1,
          LONG);
      first.destroyForcibly();
      first.waitFor(1, TimeUnit.MINUTES);

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

      Process second = startTrainer(dir, root, port, "second");
      try {
        awaitServing(channel, second, dir.resolve("second.log"));
        List<JobEvent> events = JobWatching.toEnd(channel, job.getId(), LONG);
        Job ended = stub(channel).getJob(GetJobRequest.newBuilder().setJobId(job.getId()).build());
        assertEquals(JobState.SUCCEEDED, ended.getState(), ended + log(dir.resolve("second.log")));
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
      } finally {
        second.destroy();
        second.waitFor(1, TimeUnit.MINUTES);
      }
    } finally {
      channel.shutdownNow();
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

  /** {@link TrainerServerMain} in a JVM of its own, with this test's class path. */
  private static Process startTrainer(Path dir, Path root, int port, String name) throws IOException {
    String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx1g", "-cp", classPath));
    String nativeCache = System.getProperty("org.bytedeco.javacpp.cachedir");
    if (nativeCache != null) {
      command.add("-Dorg.bytedeco.javacpp.cachedir=" + nativeCache);
    }
    command.addAll(List.of(TrainerServerMain.class.getName(),
        "--port", Integer.toString(port),
        "--metrics-port", "-1",
        "--data-dir", dir.resolve("trainer").toString(),
        "--data-root", root.toString(),
        "--cpu-only",
        "--tf-intra-threads", "1",
        "--tf-inter-threads", "1"));
    return new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve(name + ".log").toFile())
        .start();
  }

  private static void awaitServing(ManagedChannel channel, Process process, Path log) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    while (System.nanoTime() < deadline) {
      assertTrue(process.isAlive(), "the trainer exited: " + log(log));
      try {
        if (HealthGrpc.newBlockingStub(channel).withDeadlineAfter(1, TimeUnit.SECONDS)
            .check(HealthCheckRequest.getDefaultInstance()).getStatus() == ServingStatus.SERVING) {
          return;
        }
      } catch (StatusRuntimeException notYet) {
        // not listening yet
      }
      Thread.sleep(200);
    }
    throw new AssertionError("the trainer did not start serving: " + log(log));
  }

  private static String log(Path log) throws IOException {
    return Files.exists(log) ? "\n" + Files.readString(log) : "";
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
