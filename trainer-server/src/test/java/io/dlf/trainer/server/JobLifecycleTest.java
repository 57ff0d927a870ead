package io.dlf.trainer.server;

import static io.dlf.trainer.server.StatusAssertions.assertStatus;
import static io.dlf.trainer.server.StatusAssertions.reason;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dlf.dsl.compile.SessionConfigs;
import io.dlf.dsl.export.ModelExporter;
import io.dlf.dsl.repository.ModelRepository;
import io.dlf.proto.trainer.v1.CancelJobRequest;
import io.dlf.proto.trainer.v1.EarlyStopping;
import io.dlf.proto.trainer.v1.Job;
import io.dlf.proto.trainer.v1.JobEvent;
import io.dlf.proto.trainer.v1.JobFailure;
import io.dlf.proto.trainer.v1.JobState;
import io.dlf.proto.trainer.v1.ListJobsRequest;
import io.dlf.proto.trainer.v1.ListJobsResponse;
import io.dlf.proto.trainer.v1.RunPhase;
import io.dlf.proto.trainer.v1.SubmitJobRequest;
import io.dlf.proto.trainer.v1.TrainerServiceGrpc;
import io.dlf.trainer.server.store.FileJobStore;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status.Code;
import io.grpc.Status;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Jobs through a trainer on a loopback port, on small generated datasets: cancelling, the bounded
 * queue, concurrent clients, data that turns bad, shutdown and restart, idempotent submission. The
 * embedded trainer here; {@link PostgresJobLifecycleTest} runs the same on a shared database.
 */
@Tag("e2e")
class JobLifecycleTest {
  private static final Duration LONG = Duration.ofMinutes(3);

  @TempDir
  protected Path dir;
  private Path root;

  @BeforeEach
  void data() throws Exception {
    root = dir.resolve("data");
    GeneratedData.write(root, "small", 2_000);
    GeneratedData.write(root, "large", 8_000);
  }

  protected TrainerServerConfig config() {
    return RunningTrainer.config(dir.resolve("trainer"), root);
  }

  /** The one job the trainer's store holds, as stored (the trainer is stopped). */
  protected Job onlyStoredJob() throws Exception {
    try (FileJobStore store = FileJobStore.open(dir.resolve("trainer"))) {
      return store.loadAll().get(0);
    }
  }

  /** Stores {@code job}, RUNNING, as a trainer that died while running it left it (the trainer is stopped). */
  protected void storeAsLeftRunning(Job job) throws Exception {
    try (FileJobStore store = FileJobStore.open(dir.resolve("trainer"))) {
      store.save(job);
    }
  }

  private static CancelJobRequest cancel(Job job) {
    return CancelJobRequest.newBuilder().setJobId(job.getId()).build();
  }

  /**
   * The job asks for far more epochs than it gets to run, without early stopping: with a shared
   * database the cancel reaches its worker host at a heartbeat, and on an idle machine a short job
   * could end first.
   */
  @Test
  void aRunningJobIsCancelledAtItsNextStep() throws Exception {
    try (RunningTrainer trainer = RunningTrainer.start(config())) {
      SubmitJobRequest request = GeneratedData.request("large", "cancelled", 100);
      Job job = trainer.stub().submitJob(request.toBuilder().setTraining(request.getTraining().toBuilder()
          .setEarlyStopping(EarlyStopping.newBuilder().setPatience(100))).build());
      trainer.watchUntil(job.getId(), JobEvent::hasProgress, LONG);

      Job cancelling = trainer.stub().cancelJob(cancel(job));
      assertEquals(JobState.CANCELLING, cancelling.getState());
      Job ended = trainer.awaitEnd(job.getId(), LONG);
      assertEquals(JobState.CANCELLED, ended.getState(), ended.toString());
      assertTrue(ended.hasEndTime());
      assertTrue(ended.getEpochsCount() < 100, "stopped before the last epoch: " + ended);
      assertEquals(List.of(), new ModelRepository(config().modelsDir()).versions("cancelled"));
      assertFalse(Files.exists(dir.resolve("trainer/jobs").resolve(job.getId()).resolve("work")),
          "an ended job keeps no checkpoints");

      assertEquals("JOB_ALREADY_ENDED", reason(assertStatus(Code.FAILED_PRECONDITION,
          () -> trainer.stub().cancelJob(cancel(job)))));
    }
  }

  @Test
  void aFullQueueRefusesAndAQueuedJobIsCancelledAtOnce() throws Exception {
    try (RunningTrainer trainer = RunningTrainer.start(config().withQueueCapacity(1))) {
      Job running = trainer.stub().submitJob(GeneratedData.request("large", "queue", 3));
      Job waiting = trainer.stub().submitJob(GeneratedData.request("small", "queue", 1));
      var refused = assertStatus(Code.RESOURCE_EXHAUSTED,
          () -> trainer.stub().submitJob(GeneratedData.request("small", "queue", 1)));
      assertTrue(StatusAssertions.retryInfo(refused).isPresent(), "RESOURCE_EXHAUSTED says when to retry");
      assertEquals(2, trainer.stub().listJobs(ListJobsRequest.getDefaultInstance()).getJobsCount(),
          "the refused job was not stored");

      Job cancelled = trainer.stub().cancelJob(cancel(waiting));
      assertEquals(JobState.CANCELLED, cancelled.getState(), "a waiting job has no step to wait for");
      assertEquals(0, cancelled.getAttempts());
      Job accepted = trainer.stub().submitJob(GeneratedData.request("small", "queue", 1));
      assertEquals(JobState.QUEUED, accepted.getState(), "the cancel made room");

      trainer.stub().cancelJob(cancel(running));
      assertEquals(JobState.CANCELLED, trainer.awaitEnd(running.getId(), LONG).getState());
      assertEquals(JobState.SUCCEEDED, trainer.awaitEnd(accepted.getId(), LONG).getState());
    }
  }

  @Test
  void severalClientsSubmittingAtOnceEachGetTheirOwnJobAndVersion() throws Exception {
    int clients = 4;
    try (RunningTrainer trainer = RunningTrainer.start(config().withSlots(2, 1))) {
      ExecutorService pool = Executors.newFixedThreadPool(clients);
      CountDownLatch ready = new CountDownLatch(clients);
      List<Future<Job>> submissions = new ArrayList<>();
      for (int i = 0; i < clients; i++) {
        submissions.add(pool.submit(() -> {
          ManagedChannel channel = ManagedChannelBuilder.forTarget(trainer.server.target()).usePlaintext().build();
          try {
            ready.countDown();
            ready.await();
            return TrainerServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS)
                .submitJob(GeneratedData.request("small", "shared", 1));
          } finally {
            channel.shutdownNow();
          }
        }));
      }
      Set<String> ids = new HashSet<>();
      for (Future<Job> submission : submissions) {
        ids.add(submission.get(1, TimeUnit.MINUTES).getId());
      }
      pool.shutdown();
      assertEquals(clients, ids.size());

      Set<Long> versions = new HashSet<>();
      for (String id : ids) {
        Job job = trainer.awaitEnd(id, LONG);
        assertEquals(JobState.SUCCEEDED, job.getState(), job.toString());
        versions.add(job.getVersion());
        ModelExporter exporter = new ModelExporter(new ModelRepository(config().modelsDir()), SessionConfigs.threads(1, 1));
        assertEquals(job.getVersion(), exporter.versionWithKey("shared", id).orElseThrow());
      }
      assertEquals(Set.of(1L, 2L, 3L, 4L), versions);

      ListJobsResponse first = trainer.stub().listJobs(ListJobsRequest.newBuilder().setPageSize(3).build());
      ListJobsResponse second = trainer.stub().listJobs(ListJobsRequest.newBuilder().setPageSize(3)
          .setPageToken(first.getNextPageToken()).build());
      assertEquals(3, first.getJobsCount());
      assertEquals(1, second.getJobsCount());
      assertEquals("", second.getNextPageToken());
      Set<String> listed = new HashSet<>();
      first.getJobsList().forEach(j -> listed.add(j.getId()));
      second.getJobsList().forEach(j -> listed.add(j.getId()));
      assertEquals(ids, listed);
    }
  }

  @Test
  void dataThatTurnsBadMidRunFailsThatJobWithFileAndLineAndNoOther() throws Exception {
    GeneratedData.write(root, "bad", 4_000);
    Path badFile = root.resolve("bad/train.tsv");
    // Past the rows read at submission: the job is accepted and fails while it reads its data.
    GeneratedData.replaceLine(badFile, 3_000, "1\tsite_1\tad_1\tdevice_1\tmany");
    try (RunningTrainer trainer = RunningTrainer.start(config().withSlots(2, 1))) {
      Job bad = trainer.stub().submitJob(GeneratedData.request("bad", "bad", 1));
      Job good = trainer.stub().submitJob(GeneratedData.request("small", "good", 1));

      Job failed = trainer.awaitEnd(bad.getId(), LONG);
      assertEquals(JobState.FAILED, failed.getState(), failed.toString());
      JobFailure failure = failed.getFailure();
      assertEquals(JobFailure.Kind.BAD_DATA, failure.getKind());
      assertEquals(badFile.toRealPath().toString(), failure.getFile());
      assertEquals(3_000, failure.getLine());
      assertTrue(failure.getMessage().contains("train.tsv:3000: feature 'count': 'many' is not a number"),
          failure.getMessage());
      assertEquals(JobState.RUNNING, failed.getTransitions(failed.getTransitionsCount() - 2).getState());
      assertEquals(JobState.SUCCEEDED, trainer.awaitEnd(good.getId(), LONG).getState());
    }
  }

  @Test
  void shutdownPausesARunningJobAndTheNextStartResumesIt() throws Exception {
    Job job;
    CompletableFuture<Throwable> watcherEnd = new CompletableFuture<>();
    GeneratedData.write(root, "long", 40_000);
    try (RunningTrainer trainer = RunningTrainer.start(config())) {
      job = trainer.stub().submitJob(GeneratedData.slowRequest("long", "resumed", 3));
      trainer.watchUntil(job.getId(), JobEvent::hasEpochEnded, LONG);
      CompletableFuture.runAsync(() -> {
        try {
          trainer.watch(job.getId(), LONG);
          watcherEnd.complete(null);
        } catch (RuntimeException e) {
          watcherEnd.complete(e);
        }
      });
      trainer.watchUntil(job.getId(), JobEvent::hasProgress, LONG);
    }
    Throwable watcherError = watcherEnd.get(1, TimeUnit.MINUTES);
    assertEquals(Code.UNAVAILABLE, Status.fromThrowable(watcherError).getCode(),
        "a watcher learns the trainer went away, not that the job ended");
    Job stored = onlyStoredJob();
    assertEquals(JobState.QUEUED, stored.getState(), stored.toString());
    assertTrue(stored.getTransitions(stored.getTransitionsCount() - 1).getMessage().contains("paused"));

    try (RunningTrainer trainer = RunningTrainer.start(config())) {
      List<JobEvent> events = trainer.watch(job.getId(), LONG);
      Job ended = trainer.awaitEnd(job.getId(), LONG);
      assertEquals(JobState.SUCCEEDED, ended.getState(), ended.toString());
      assertEquals(2, ended.getAttempts());
      JobEvent firstProgress = events.stream().filter(JobEvent::hasProgress).findFirst().orElseThrow();
      assertTrue(firstProgress.getProgress().getEpoch() >= 2, "resumed after epoch 1: " + firstProgress);
      assertEquals(List.of(1, 2, 3), ended.getEpochsList().stream().map(e -> e.getEpoch()).toList());
      assertEquals(List.of(1L), new ModelRepository(config().modelsDir()).versions("resumed"));
    }
  }

  @Test
  void aCrashBetweenExportAndRecordDoesNotExportTwice() throws Exception {
    Job done;
    try (RunningTrainer trainer = RunningTrainer.start(config())) {
      Job job = trainer.stub().submitJob(GeneratedData.request("small", "once", 1));
      done = trainer.awaitEnd(job.getId(), LONG);
      assertEquals(JobState.SUCCEEDED, done.getState());
    }
    // What the record holds if the process dies after the version was published, before it was recorded.
    storeAsLeftRunning(done.toBuilder().setState(JobState.RUNNING).setPhase(RunPhase.EXPORTING).clearVersion()
        .clearMetrics().clearEndTime().build());
    try (RunningTrainer trainer = RunningTrainer.start(config())) {
      Job again = trainer.awaitEnd(done.getId(), LONG);
      assertEquals(JobState.SUCCEEDED, again.getState(), again.toString());
      assertEquals(done.getVersion(), again.getVersion());
      assertEquals(2, again.getAttempts());
      assertEquals(List.of(done.getVersion()), new ModelRepository(config().modelsDir()).versions("once"));
    }
  }

  @Test
  void aRepeatedRequestIdReturnsTheFirstJob() throws Exception {
    try (RunningTrainer trainer = RunningTrainer.start(config())) {
      SubmitJobRequest request = GeneratedData.request("small", "idempotent", 1).toBuilder().setRequestId("r-1").build();
      Job first = trainer.stub().submitJob(request);
      Job again = trainer.stub().submitJob(request);
      assertEquals(first.getId(), again.getId());
      assertEquals("REQUEST_ID_REUSED", reason(assertStatus(Code.ALREADY_EXISTS, () -> trainer.stub()
          .submitJob(request.toBuilder().setExport(request.getExport().toBuilder().setModelName("other")).build()))));
      assertEquals(1, trainer.stub().listJobs(ListJobsRequest.getDefaultInstance()).getJobsCount());
      trainer.stub().cancelJob(cancel(first));
    }
  }
}
