package io.dlf.serving;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.inject.Module;
import io.dlf.dsl.encode.RawBatch;
import io.dlf.dsl.testing.ExportedVersions;
import io.dlf.proto.serving.v1.GetModelStatusRequest;
import io.dlf.proto.serving.v1.ModelSpec;
import io.dlf.proto.serving.v1.ModelStatus;
import io.dlf.proto.serving.v1.PredictResponse;
import io.dlf.proto.serving.v1.ReloadRequest;
import io.dlf.proto.serving.v1.RemoveLabelRequest;
import io.dlf.proto.serving.v1.SetLabelRequest;
import io.dlf.proto.serving.v1.VersionState;
import io.dlf.proto.serving.v1.VersionStatus;
import io.dlf.serving.grpc.PredictRequests;
import io.dlf.serving.model.ModelLoader;
import io.dlf.serving.version.LabelAssignment;
import io.dlf.serving.version.VersionPolicy;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Versions coming and going on a real server over a real repository: the switch to a new version
 * under load, broken and half-written versions, version policies, labels, and shutdown.
 */
@Tag("e2e")
class VersionLifecycleEndToEndTest {
  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir
  Path root;

  private final RecordingLoader loader = new RecordingLoader();

  private Module recordingLoader() {
    return binder -> binder.bind(ModelLoader.class).toInstance(loader);
  }

  private RunningServer start(VersionPolicy policy, List<LabelAssignment> labels) throws Exception {
    return RunningServer.start(root, c -> c
        .withRepository(new io.dlf.serving.repository.RepositoryConfig(root, Duration.ofMillis(100)))
        .withVersions(c.versions().withDefaultPolicy(policy).withLabels(labels)), recordingLoader());
  }

  private static ModelSpec ctr() {
    return ModelSpec.newBuilder().setName("ctr").build();
  }

  private static Map<Long, VersionState> states(RunningServer serving) {
    Map<Long, VersionState> states = new TreeMap<>();
    serving.models().getModelStatus(GetModelStatusRequest.newBuilder().setName("ctr").build()).getVersionsList()
        .forEach(v -> states.put(v.getVersion(), v.getState()));
    return states;
  }

  private static PredictResponse predict(RunningServer serving, ModelSpec spec, RawBatch batch) {
    return serving.predictions().predict(PredictRequests.rows(spec, batch));
  }

  /** What one client thread of the load saw, and when it asked. */
  private record Answer(int client, long version, float[] probabilities, long startNanos) {}

  @Test
  void aNewVersionDroppedInUnderLoadTakesOverWithoutAFailedOrStalledRequest() throws Exception {
    TestVersions.publish(new io.dlf.dsl.repository.ModelRepository(root), "ctr", 1);
    try (RunningServer serving = start(VersionPolicy.latest(), List.of())) {
      int clients = 4;
      List<RawBatch> batches = new ArrayList<>();
      List<Map<Long, float[]>> expected = new ArrayList<>();
      for (int c = 0; c < clients; c++) {
        RawBatch batch = TestVersions.examples(1 + c, 50 + c);
        batches.add(batch);
        expected.add(Map.of(1L, TestVersions.expected(1, batch), 2L, TestVersions.expected(2, batch)));
      }
      AtomicBoolean stop = new AtomicBoolean();
      ConcurrentLinkedQueue<Answer> answers = new ConcurrentLinkedQueue<>();
      ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
      List<Thread> load = new ArrayList<>();
      for (int c = 0; c < clients; c++) {
        int client = c;
        RawBatch batch = batches.get(c);
        Thread t = new Thread(() -> {
          while (!stop.get()) {
            long start = System.nanoTime();
            try {
              PredictResponse r = predict(serving, ctr(), batch);
              answers.add(new Answer(client, r.getVersion(), PredictionEndToEndTest.floats(r.getProbabilitiesList()),
                  start));
            } catch (RuntimeException e) {
              failures.add(e);
            }
          }
        }, "client-" + c);
        t.start();
        load.add(t);
      }
      Await.until("the clients get answers", WAIT, () -> answers.size() > 50);

      // A slow load: version 2's load waits at the gate until the test has seen what it needs.
      loader.holdLoads();
      TestVersions.publish(serving.repository, "ctr", 2);
      loader.awaitHeldLoad();
      long held = System.nanoTime();
      Await.until("version 2 is LOADING", WAIT, () -> states(serving).get(2L) == VersionState.VERSION_STATE_LOADING);
      int before = answers.size();
      // No request waits for the load: each client asks and is answered while the load is still held.
      Await.until("version 1 keeps answering every client while version 2 loads", WAIT,
          () -> answers.size() > before + 10 && IntStream.range(0, clients).allMatch(
              c -> answers.stream().anyMatch(a -> a.client() == c && a.startNanos() - held > 0)));
      assertEquals(VersionState.VERSION_STATE_LOADING, states(serving).get(2L));
      loader.releaseLoads();

      Await.until("version 2 answers", WAIT, () -> answers.stream().anyMatch(a -> a.version() == 2));
      Await.until("version 2 answers a few more", WAIT,
          () -> answers.stream().filter(a -> a.version() == 2).count() > 2L * clients);
      stop.set(true);
      for (Thread t : load) {
        t.join();
      }

      assertEquals(List.of(), List.copyOf(failures), "no request failed during the switch");
      for (Answer a : answers) {
        float[] wanted = expected.stream().filter(e -> e.get(1L).length == a.probabilities().length).findFirst()
            .orElseThrow().get(a.version());
        assertArrayEquals(wanted, a.probabilities(), 1e-6f, "the version that answered scored the request");
      }
      Await.until("version 1 is unloaded", WAIT, () -> states(serving).equals(
          Map.of(2L, VersionState.VERSION_STATE_AVAILABLE)));
      assertTrue(loader.model(1).closed(), "unloading closed version 1's session");
    }
  }

  @Test
  void aBrokenVersionFailsWithItsErrorAndAHalfWrittenOneLoadsOnceComplete() throws Exception {
    var repository = new io.dlf.dsl.repository.ModelRepository(root);
    TestVersions.publish(repository, "ctr", 1);
    try (RunningServer serving = start(VersionPolicy.latest(), List.of())) {
      TestVersions.publishCorrupt(repository, "ctr");
      ModelStatus status = serving.models().reload(ReloadRequest.newBuilder().setModel("ctr").build()).getModels(0);
      VersionStatus corrupt = version(status, 2);
      assertEquals(VersionState.VERSION_STATE_FAILED, corrupt.getState());
      assertTrue(corrupt.getError().contains("TensorFlow cannot load"), corrupt.getError());
      assertEquals(VersionState.VERSION_STATE_AVAILABLE, version(status, 1).getState());
      assertEquals(1, status.getLatest());

      RawBatch batch = TestVersions.examples(5, 3);
      assertEquals(1, predict(serving, ctr(), batch).getVersion(), "the version before keeps serving");
      StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
          () -> predict(serving, ctr().toBuilder().setVersion(2).build(), batch));
      assertEquals(Status.Code.FAILED_PRECONDITION, e.getStatus().getCode());
      assertTrue(e.getStatus().getDescription().contains("Version 2 of model 'ctr' FAILED to load"),
          e.getStatus().getDescription());

      // a copy caught halfway: only the manifest is there yet
      Path half = root.resolve("ctr/3");
      Files.createDirectories(half);
      Files.copy(TestVersions.exported(3).resolve("manifest.json"), half.resolve("manifest.json"));
      status = serving.models().reload(ReloadRequest.newBuilder().setModel("ctr").build()).getModels(0);
      VersionStatus halfWritten = version(status, 3);
      assertEquals(VersionState.VERSION_STATE_FAILED, halfWritten.getState());
      assertTrue(halfWritten.getError().contains("has no spec.json"), halfWritten.getError());
      assertEquals(1, status.getLatest());
      assertEquals(1, predict(serving, ctr(), batch).getVersion());

      copyRest(TestVersions.exported(3), half);
      Await.until("the completed version 3 loads on the next poll", WAIT,
          () -> states(serving).get(3L) == VersionState.VERSION_STATE_AVAILABLE);
      PredictResponse third = predict(serving, ctr(), batch);
      assertEquals(3, third.getVersion());
      assertArrayEquals(TestVersions.expected(3, batch), PredictionEndToEndTest.floats(third.getProbabilitiesList()),
          1e-6f);
      assertEquals(VersionState.VERSION_STATE_FAILED, states(serving).get(2L), "the broken version stays reported");
    }
  }

  private static VersionStatus version(ModelStatus status, long version) {
    return status.getVersionsList().stream().filter(v -> v.getVersion() == version).findFirst()
        .orElseThrow(() -> new AssertionError("no version " + version + " in " + status));
  }

  private static void copyRest(Path from, Path to) throws Exception {
    try (Stream<Path> walk = Files.walk(from)) {
      for (Path source : walk.toList()) {
        Path target = to.resolve(from.relativize(source).toString());
        if (Files.isDirectory(source)) {
          Files.createDirectories(target);
        } else if (!Files.exists(target)) {
          Files.copy(source, target);
        }
      }
    }
  }

  @Test
  void theVersionPolicyDecidesWhatIsServedAndAVanishedFolderIsUnloaded() throws Exception {
    var repository = new io.dlf.dsl.repository.ModelRepository(root);
    for (long seed = 1; seed <= 3; seed++) {
      TestVersions.publish(repository, "ctr", seed);
    }
    try (RunningServer serving = start(VersionPolicy.parse("latest:2"), List.of())) {
      assertEquals(Map.of(2L, VersionState.VERSION_STATE_AVAILABLE, 3L, VersionState.VERSION_STATE_AVAILABLE),
          states(serving));
      StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
          () -> predict(serving, ctr().toBuilder().setVersion(1).build(), TestVersions.examples(1, 1)));
      assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode());
      assertTrue(e.getStatus().getDescription().contains("not served (version policy latest:2)"),
          e.getStatus().getDescription());

      ExportedVersions.deleteRecursively(repository.versionDir("ctr", 3));
      Await.until("version 3 is gone and version 1 is loaded in its place", WAIT, () -> states(serving).equals(
          Map.of(1L, VersionState.VERSION_STATE_AVAILABLE, 2L, VersionState.VERSION_STATE_AVAILABLE)));
      assertEquals(2, predict(serving, ctr(), TestVersions.examples(1, 1)).getVersion());
      assertTrue(loader.model(3).closed());
    }
  }

  @Test
  void labelsMoveThroughTheApiAndOnlyPointAtAvailableVersions() throws Exception {
    var repository = new io.dlf.dsl.repository.ModelRepository(root);
    TestVersions.publish(repository, "ctr", 1);
    TestVersions.publish(repository, "ctr", 2);
    try (RunningServer serving = start(new VersionPolicy.All(), List.of())) {
      RawBatch batch = TestVersions.examples(4, 9);
      serving.models().setLabel(label("stable", 1));
      ModelStatus status = serving.models().setLabel(label("canary", 2));
      assertEquals(Map.of("stable", 1L, "canary", 2L), status.getLabelsMap());
      PredictResponse stable = predict(serving, ctr().toBuilder().setLabel("stable").build(), batch);
      assertEquals(1, stable.getVersion());
      assertArrayEquals(TestVersions.expected(1, batch), PredictionEndToEndTest.floats(stable.getProbabilitiesList()),
          1e-6f);
      assertEquals(2, predict(serving, ctr().toBuilder().setLabel("canary").build(), batch).getVersion());

      serving.models().setLabel(label("stable", 2));
      assertEquals(2, predict(serving, ctr().toBuilder().setLabel("stable").build(), batch).getVersion(),
          "the label moved");

      TestVersions.publishCorrupt(repository, "ctr");
      serving.models().reload(ReloadRequest.newBuilder().setModel("ctr").build());
      assertStatus(Status.Code.FAILED_PRECONDITION, "a label can only point at an AVAILABLE version",
          () -> serving.models().setLabel(label("canary", 3)));
      assertStatus(Status.Code.NOT_FOUND, "has no version 9", () -> serving.models().setLabel(label("canary", 9)));
      assertStatus(Status.Code.INVALID_ARGUMENT, "starting with a letter",
          () -> serving.models().setLabel(label("2nd", 1)));
      assertStatus(Status.Code.NOT_FOUND, "model 'cvr' is not served",
          () -> serving.models().setLabel(label("stable", 1).toBuilder().setModel("cvr").build()));

      status = serving.models().removeLabel(RemoveLabelRequest.newBuilder().setModel("ctr").setLabel("canary").build());
      assertEquals(Map.of("stable", 2L), status.getLabelsMap());
      assertStatus(Status.Code.NOT_FOUND, "has no label 'canary'; its labels: [stable]",
          () -> predict(serving, ctr().toBuilder().setLabel("canary").build(), batch));
      assertStatus(Status.Code.NOT_FOUND, "has no label 'canary'", () -> serving.models().removeLabel(
          RemoveLabelRequest.newBuilder().setModel("ctr").setLabel("canary").build()));
    }
  }

  @Test
  void aConfiguredLabelKeepsItsVersionLoadedUntilRemoved() throws Exception {
    var repository = new io.dlf.dsl.repository.ModelRepository(root);
    TestVersions.publish(repository, "ctr", 1);
    TestVersions.publish(repository, "ctr", 2);
    RunningServer serving = start(VersionPolicy.latest(), List.of(new LabelAssignment("ctr", "stable", 1)));
    try {
      assertEquals(Map.of(1L, VersionState.VERSION_STATE_AVAILABLE, 2L, VersionState.VERSION_STATE_AVAILABLE),
          states(serving), "latest:1 wants version 2; the label keeps version 1");
      RawBatch batch = TestVersions.examples(2, 4);
      assertEquals(1, predict(serving, ctr().toBuilder().setLabel("stable").build(), batch).getVersion());
      assertEquals(2, predict(serving, ctr(), batch).getVersion());

      serving.models().removeLabel(RemoveLabelRequest.newBuilder().setModel("ctr").setLabel("stable").build());
      Await.until("version 1 is unloaded once no label holds it", WAIT,
          () -> states(serving).equals(Map.of(2L, VersionState.VERSION_STATE_AVAILABLE)));
      assertTrue(loader.model(1).closed());
    } finally {
      serving.close();
    }
    assertTrue(loader.all().stream().allMatch(GatedModel::closed), "stopping the server closed every session");
  }

  private static SetLabelRequest label(String label, long version) {
    return SetLabelRequest.newBuilder().setModel("ctr").setLabel(label).setVersion(version).build();
  }

  static void assertStatus(Status.Code code, String message, org.junit.jupiter.api.function.Executable call) {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call);
    assertEquals(code, e.getStatus().getCode(), e.getStatus().toString());
    assertTrue(e.getStatus().getDescription().contains(message), e.getStatus().getDescription());
  }
}
