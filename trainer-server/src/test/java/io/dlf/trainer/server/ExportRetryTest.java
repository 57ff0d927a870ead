package io.dlf.trainer.server;

import static io.dlf.trainer.server.StatusAssertions.assertStatus;
import static io.dlf.trainer.server.StatusAssertions.reason;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.dlf.dsl.codec.SpecProtos;
import io.dlf.dsl.compile.SessionConfigs;
import io.dlf.dsl.encode.RawBatch;
import io.dlf.dsl.export.ExportedModel;
import io.dlf.dsl.export.ModelExporter;
import io.dlf.dsl.repository.ModelRepository;
import io.dlf.dsl.testing.Tmpfs;
import io.dlf.proto.model.v1.ServingPrecision;
import io.dlf.proto.trainer.v1.GetJobRequest;
import io.dlf.proto.trainer.v1.Job;
import io.dlf.proto.trainer.v1.JobFailure;
import io.dlf.proto.trainer.v1.JobState;
import io.dlf.proto.trainer.v1.RetryExportRequest;
import io.dlf.proto.trainer.v1.RunPhase;
import io.dlf.proto.trainer.v1.StateTransition;
import io.dlf.trainer.training.TrainedModel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.proto.ConfigProto;

/**
 * A job whose version cannot be written into the model repository fails in words and keeps what
 * it trained; RetryExport exports it once the cause is gone, without training again. The embedded
 * trainer here; {@link PostgresExportRetryTest} runs the same on a shared database.
 */
@Tag("e2e")
class ExportRetryTest {
  private static final Duration LONG = Duration.ofMinutes(3);
  private static final ConfigProto CONFIG = SessionConfigs.threads(1, 1);

  @TempDir
  Path dir;
  private Path root;

  @BeforeEach
  void data() throws Exception {
    root = dir.resolve("data");
    GeneratedData.write(root, "small", 2_000);
  }

  protected TrainerServerConfig config(Path models) {
    return RunningTrainer.config(dir.resolve("trainer"), root).withModelsDir(models);
  }

  private Path workDir(String jobId) {
    return dir.resolve("trainer/jobs").resolve(jobId).resolve("work");
  }

  /** The case: the model repository on a tiny disk (a real tmpfs, where this process may mount one). */
  @Test
  void aJobWhoseRepositoryHasNoRoomFailsInWordsAndExportsOnceThereIsRoom() throws Exception {
    Path models = Files.createDirectories(dir.resolve("models"));
    Optional<Tmpfs> disk = Tmpfs.mount(models, 64 * 1024);
    assumeTrue(disk.isPresent(), "mounting a tmpfs needs root and the right to mount");
    try (Tmpfs full = disk.get(); RunningTrainer trainer = RunningTrainer.start(config(full.dir()))) {
      Job job = trainer.stub().submitJob(GeneratedData.request("small", "full", 1));
      Job failed = trainer.awaitEnd(job.getId(), LONG);

      assertEquals(JobState.FAILED, failed.getState(), failed.toString());
      JobFailure failure = failed.getFailure();
      assertEquals(JobFailure.Kind.EXPORT_FAILED, failure.getKind(), failure.toString());
      assertEquals(models.resolve("full").toString(), failure.getFolder());
      assertTrue(failure.getFreeBytes() <= 64 * 1024, failure.toString());
      assertTrue(failure.getNeededBytes() > failure.getFreeBytes(), failure.toString());
      String message = failure.getMessage();
      assertTrue(message.startsWith("not enough space in " + models.resolve("full") + " to export the model: the "
          + "version needs about " + String.format("%,d", failure.getNeededBytes()) + " bytes"), message);
      assertTrue(message.contains(String.format("%,d", failure.getFreeBytes()) + " bytes (")
          || message.contains(failure.getFreeBytes() + " bytes"), message);
      assertTrue(message.contains("; the trained model is kept: free space there"), message);
      assertTrue(message.contains("RetryExport"), message);
      assertFalse(message.contains("Hint") || message.contains("tensorflow"), message);
      assertTrue(failed.getExportable());
      assertTrue(Files.isRegularFile(workDir(job.getId()).resolve("trained-model.json")), "the trained model is kept");
      assertEquals(List.of(), new ModelRepository(models).versions("full"));

      full.resize(64L << 20);
      trainer.stub().retryExport(RetryExportRequest.newBuilder().setJobId(job.getId()).build());
      Job exported = trainer.awaitEnd(job.getId(), LONG);

      assertEquals(JobState.SUCCEEDED, exported.getState(), exported.toString());
      assertEquals(1, exported.getVersion());
      assertFalse(exported.getExportable());
      assertEquals(List.of(1L), new ModelRepository(models).versions("full"));
      assertFalse(Files.exists(workDir(job.getId())), "the work folder goes once the job succeeded");
    }
  }

  /**
   * A file where the model's folder must be: a real write failure that needs no mount and holds
   * for root too. The job stays exportable across a trainer restart, and its retry exports exactly
   * what it trained: the version predicts like an export of the kept checkpoint.
   */
  @Test
  void aJobThatCannotWriteItsVersionStaysExportableAcrossARestartAndExportsWhatItTrained() throws Exception {
    Path models = Files.createDirectories(dir.resolve("models"));
    Path inTheWay = Files.writeString(models.resolve("blocked"), "a file where the model's folder must be");
    String jobId;
    try (RunningTrainer trainer = RunningTrainer.start(config(models))) {
      jobId = trainer.stub().submitJob(GeneratedData.request("small", "blocked", 1)).getId();
      StatusRuntimeException early = assertStatus(Status.Code.FAILED_PRECONDITION, () -> retryExport(trainer, jobId));
      assertEquals("JOB_NOT_EXPORTABLE", reason(early));

      Job failed = trainer.awaitEnd(jobId, LONG);
      assertEquals(JobFailure.Kind.EXPORT_FAILED, failed.getFailure().getKind(), failed.toString());
      assertTrue(failed.getFailure().getMessage().startsWith("cannot write the export into " + inTheWay + ": "
          + inTheWay + " is in the way: a file where a folder must be"), failed.getFailure().getMessage());
      assertTrue(failed.getFailure().getMessage().contains("let the trainer write there"),
          failed.getFailure().getMessage());
    }
    copyFolder(workDir(jobId), dir.resolve("kept"));

    try (RunningTrainer restarted = RunningTrainer.start(config(models))) {
      Job stored = restarted.stub().getJob(GetJobRequest.newBuilder().setJobId(jobId).build());
      assertEquals(JobState.FAILED, stored.getState());
      assertTrue(stored.getExportable(), "a restart keeps the job exportable");

      Files.delete(inTheWay);
      Job queued = retryExport(restarted, jobId);
      assertTrue(queued.getState() == JobState.QUEUED || queued.getState() == JobState.RUNNING, queued.toString());
      // Asked again while the retry waits or runs (the worker's start alone takes longer): the job as it is.
      assertTrue(retryExport(restarted, jobId).getExportable());
      Job exported = restarted.awaitEnd(jobId, LONG);

      assertEquals(JobState.SUCCEEDED, exported.getState(), exported.toString());
      assertEquals(1, exported.getVersion());
      assertEquals(2, exported.getAttempts());
      assertEquals(1, exported.getEpochsCount(), "nothing trained again");
      assertEquals(1, exported.getTransitionsList().stream()
          .filter(t -> t.getMessage().startsWith("export retry requested")).count(), "asked twice, queued once");
      List<RunPhase> phasesAfterRetry = exported.getTransitionsList().stream()
          .dropWhile(t -> !t.getMessage().startsWith("export retry requested")).map(StateTransition::getPhase)
          .filter(phase -> phase != RunPhase.RUN_PHASE_UNSPECIFIED).toList();
      assertEquals(List.of(RunPhase.EXPORTING), phasesAfterRetry);
      assertEquals(List.of(1L), new ModelRepository(models).versions("blocked"));

      StatusRuntimeException again = assertStatus(Status.Code.FAILED_PRECONDITION, () -> retryExport(restarted, jobId));
      assertTrue(again.getStatus().getDescription().contains("already succeeded: it exported version 1 of blocked"),
          again.getStatus().getDescription());
      StatusRuntimeException unknown = assertStatus(Status.Code.NOT_FOUND, () -> retryExport(restarted, "no-such-job"));
      assertEquals("JOB_NOT_FOUND", reason(unknown));
    }
    assertPredictsLikeAnExportOfTheKeptModel(models, dir.resolve("kept"));
  }

  private static Job retryExport(RunningTrainer trainer, String jobId) {
    return trainer.stub().retryExport(RetryExportRequest.newBuilder().setJobId(jobId).build());
  }

  private void assertPredictsLikeAnExportOfTheKeptModel(Path models, Path kept) throws Exception {
    TrainedModel trained = TrainedModel.load(kept).orElseThrow();
    ModelRepository reference = new ModelRepository(dir.resolve("reference"));
    new ModelExporter(reference, SessionConfigs.threads(1, 1)).export(new ModelExporter.Request("blocked",
        SpecProtos.fromProto(GeneratedData.spec("blocked")), trained.vocabularies(), trained.bestCheckpoint(),
        trained.metrics(), "", 1));
    // known tokens, an unseen one and a missing count
    RawBatch rows = new RawBatch(3,
        Map.of("site", new String[] {"site_1", "site_2", "site_999999"}, "ad", new String[] {"ad_3", "ad_1", "ad_2"},
            "device", new String[] {"device_1", "device_2", "device_1"}),
        Map.of("count", new float[] {3f, Float.NaN, 40f}), Map.of());
    try (ExportedModel retried = ExportedModel.load(new ModelRepository(models).versionDir("blocked", 1), CONFIG);
        ExportedModel normal = ExportedModel.load(reference.versionDir("blocked", 1), CONFIG)) {
      float[] expected = normal.predict(rows);
      assertArrayEquals(expected, retried.predict(rows));
      // the export adds the precision the version serves at to what training measured
      assertEquals(trained.metrics().toBuilder().setServingPrecision(ServingPrecision.FLOAT32).build(),
          retried.metrics());
    }
  }

  private static void copyFolder(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path file : files.toList()) {
        Files.copy(file, to.resolve(from.relativize(file).toString()));
      }
    }
  }
}
