package io.dlf.trainer.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.dlf.dsl.repository.ModelRepository;
import io.dlf.dsl.testing.Tmpfs;
import io.dlf.proto.trainer.v1.Job;
import io.dlf.proto.trainer.v1.JobFailure;
import io.dlf.proto.trainer.v1.JobState;
import io.dlf.proto.trainer.v1.RetryExportRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A job whose version cannot be written into the model repository fails in words and keeps what
 * it trained; RetryExport exports it once the cause is gone, without training again.
 */
@Tag("e2e")
class ExportRetryTest {
  private static final Duration LONG = Duration.ofMinutes(3);

  @TempDir
  Path dir;
  private Path root;

  @BeforeEach
  void data() throws Exception {
    root = dir.resolve("data");
    GeneratedData.write(root, "small", 2_000);
  }

  private TrainerServerConfig config(Path models) {
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
}
