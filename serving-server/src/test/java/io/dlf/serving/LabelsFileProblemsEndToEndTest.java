package io.dlf.serving;

import static io.dlf.serving.LabelReplicasEndToEndTest.label;
import static io.dlf.serving.LabelReplicasEndToEndTest.predict;
import static io.dlf.serving.VersionLifecycleEndToEndTest.assertStatus;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dlf.dsl.encode.RawBatch;
import io.dlf.dsl.repository.LabelsFile;
import io.dlf.dsl.repository.ModelRepository;
import io.dlf.proto.serving.v1.GetModelStatusRequest;
import io.dlf.proto.serving.v1.LabelsFileStatus;
import io.dlf.proto.serving.v1.ModelStatus;
import io.dlf.serving.repository.RepositoryConfig;
import io.dlf.serving.version.LabelAssignment;
import io.dlf.serving.version.VersionPolicy;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A labels file that is not valid, or that points labels at versions that are missing or failed:
 * the server reports it in ModelStatus and keeps routing by the labels in force.
 */
@Tag("e2e")
class LabelsFileProblemsEndToEndTest {
  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir
  Path root;

  private RunningServer start(List<LabelAssignment> labels) throws Exception {
    return RunningServer.start(root, c -> c.withRepository(new RepositoryConfig(root, Duration.ofMillis(200)))
        .withVersions(c.versions().withDefaultPolicy(new VersionPolicy.All()).withLabels(labels)));
  }

  private static ModelStatus status(RunningServer serving) {
    return serving.models().getModelStatus(GetModelStatusRequest.newBuilder().setName("ctr").build());
  }

  /** Puts {@code text} in place of the labels file by a rename, so that a scan never reads it half-written. */
  private void replaceLabelsFile(String text) throws Exception {
    Path file = new LabelsFile(new ModelRepository(root)).path("ctr");
    Path aside = Files.writeString(file.resolveSibling("labels.json.test"), text);
    Files.move(aside, file, StandardCopyOption.ATOMIC_MOVE);
  }

  @Test
  void aBrokenFileOrALabelAtAMissingOrFailedVersionIsReportedAndTheLabelsInForceKeepAnswering() throws Exception {
    ModelRepository repository = new ModelRepository(root);
    TestVersions.publish(repository, "ctr", 1);
    TestVersions.publish(repository, "ctr", 2);
    RawBatch batch = TestVersions.examples(2, 3);
    try (RunningServer serving = start(List.of())) {
      LabelsFileStatus file = serving.models().setLabel(label("prod", 1)).getLabelsFile();
      assertEquals(new LabelsFile(repository).path("ctr").toString(), file.getPath());
      assertEquals(1, file.getGeneration());
      assertEquals(List.of(), file.getErrorsList());

      AtomicBoolean stop = new AtomicBoolean();
      AtomicLong answers = new AtomicLong();
      ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
      Thread client = new Thread(() -> {
        while (!stop.get()) {
          try {
            assertEquals(1, predict(serving, "prod", batch));
            answers.incrementAndGet();
          } catch (StatusRuntimeException | AssertionError e) {
            failures.add(e.toString());
          }
        }
      }, "prod-client");
      client.start();
      try {
        replaceLabelsFile("{\"generation\": 2, \"labels\": {\"prod\": ");
        Await.until("the broken file is reported", WAIT, () -> !status(serving).getLabelsFile().getErrorsList().isEmpty());
        ModelStatus status = status(serving);
        String error = status.getLabelsFile().getErrors(0);
        assertTrue(error.startsWith(file.getPath() + " is not valid: ")
            && error.endsWith("; the labels in force stay as they are"), error);
        assertEquals(Map.of("prod", 1L), status.getLabelsMap());
        assertEquals(1, status.getLabelsFile().getGeneration(), "the generation in force");
        assertStatus(Status.Code.FAILED_PRECONDITION, "are kept in " + file.getPath() + ", which cannot be changed: "
            + file.getPath() + " is not valid", () -> serving.models().setLabel(label("prod", 2)));

        replaceLabelsFile("{\"format_version\": 1, \"generation\": 7, \"labels\": {\"prod\": 9, \"stable\": 2}}");
        Await.until("the label at a missing version is reported", WAIT,
            () -> status(serving).getLabelsFile().getGeneration() == 7);
        status = status(serving);
        assertEquals(List.of("label 'prod' points at version 9, which is not in the repository; it stays at version 1"),
            status.getLabelsFile().getErrorsList());
        assertEquals(Map.of("prod", 1L, "stable", 2L), status.getLabelsMap(), "the file's valid label takes effect");
        assertEquals(2, predict(serving, "stable", batch));

        TestVersions.publishCorrupt(repository, "ctr");
        replaceLabelsFile("{\"format_version\": 1, \"generation\": 8, \"labels\": {\"prod\": 3}}");
        Await.until("the label at a FAILED version is reported", WAIT, () -> status(serving).getLabelsFile()
            .getErrorsList().equals(List.of("label 'prod' points at version 3, which FAILED to load; "
                + "it stays at version 1")));
        assertEquals(Map.of("prod", 1L), status(serving).getLabelsMap(), "'stable' left the file, and so the server");

        long before = answers.get();
        Await.until("the client keeps being answered through 'prod'", WAIT, () -> answers.get() > before + 10);
      } finally {
        stop.set(true);
        client.join();
      }
      assertEquals(List.of(), List.copyOf(failures), "every request through 'prod' was answered by version 1");

      replaceLabelsFile("{\"format_version\": 1, \"generation\": 9, \"labels\": {\"prod\": 2}}");
      Await.until("the repaired file moves 'prod'", WAIT, () -> predict(serving, "prod", batch) == 2);
      assertEquals(List.of(), status(serving).getLabelsFile().getErrorsList());
    }
  }

  @Test
  void theCommandLineLabelsApplyWhileTheFileCannotBeReadOrIsGoneAndTheFileWinsOnceRead() throws Exception {
    ModelRepository repository = new ModelRepository(root);
    TestVersions.publish(repository, "ctr", 1);
    TestVersions.publish(repository, "ctr", 2);
    replaceLabelsFile("not json");
    RawBatch batch = TestVersions.examples(1, 1);
    try (RunningServer serving = start(List.of(new LabelAssignment("ctr", "stable", 1)))) {
      ModelStatus status = status(serving);
      assertEquals(Map.of("stable", 1L), status.getLabelsMap(), "a server starting on a broken file");
      assertEquals(0, status.getLabelsFile().getGeneration());
      assertEquals(1, status.getLabelsFile().getErrorsCount());
      assertTrue(status.getLabelsFile().getErrors(0).contains("labels.json is not valid"), status.toString());
      assertEquals(1, predict(serving, "stable", batch));

      replaceLabelsFile("{\"format_version\": 1, \"generation\": 1, \"labels\": {\"prod\": 2}}");
      Await.until("the repaired file is read", WAIT, () -> status(serving).getLabelsFile().getGeneration() == 1);
      assertEquals(Map.of("prod", 2L), status(serving).getLabelsMap(), "the file wins over the command line");
      assertEquals(List.of(), status(serving).getLabelsFile().getErrorsList());

      Files.delete(new LabelsFile(repository).path("ctr"));
      Await.until("the deleted file is noticed", WAIT, () -> status(serving).getLabelsFile().getGeneration() == 0);
      assertEquals(Map.of("stable", 1L), status(serving).getLabelsMap(), "without the file, the command line's");
    }
  }
}
