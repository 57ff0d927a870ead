package io.dlf.trainer.server;

import static io.dlf.trainer.server.StatusAssertions.assertStatus;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dlf.dsl.compile.SessionConfigs;
import io.dlf.dsl.export.ModelExporter;
import io.dlf.dsl.repository.ModelRepository;
import io.dlf.proto.model.v1.EpochMetrics;
import io.dlf.proto.trainer.v1.GetJobRequest;
import io.dlf.proto.trainer.v1.Job;
import io.dlf.proto.trainer.v1.JobAttempt;
import io.dlf.proto.trainer.v1.JobEvent;
import io.dlf.proto.trainer.v1.JobState;
import io.dlf.proto.trainer.v1.ListJobsRequest;
import io.dlf.proto.trainer.v1.TrainerServiceGrpc;
import io.dlf.trainer.server.postgres.TestPostgres;
import io.grpc.Channel;
import io.grpc.Status.Code;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two control planes and two worker hosts, each a JVM of its own, on one PostgreSQL database and one
 * shared data folder: jobs submitted through either control plane run once each; a worker host
 * killed mid-epoch loses its lease and the other resumes its job from the checkpoint; a control plane
 * killed leaves clients to the other; the database stopped for a while refuses submissions with
 * UNAVAILABLE while a running job trains on, and the job's end is written once it is back.
 */
@Tag("e2e")
class SharedQueueClusterTest {
  private static final Duration LONG = Duration.ofMinutes(3);
  private static final String LEASE_TIMEOUT = "8s";
  private static final int JOBS = 8;
  private static final int EPOCHS = 4;

  @TempDir
  Path dir;
  private String url;
  private Path root;

  @Test
  void controlPlanesAndWorkerHostsShareOneQueue() throws Exception {
    root = dir.resolve("data");
    GeneratedData.write(root, "small", 2_000);
    GeneratedData.write(root, "long", 40_000);
    List<TrainerProcess> processes = new ArrayList<>();
    try (TestPostgres postgres = TestPostgres.start(dir.resolve("postgres/data"))) {
      url = postgres.createDatabase();
      TrainerProcess plane1 = start(processes, "control-plane-1", "control-plane");
      TrainerProcess plane2 = start(processes, "control-plane-2", "control-plane");
      TrainerProcess host1 = start(processes, "host-1", "worker-host");
      TrainerProcess host2 = start(processes, "host-2", "worker-host");

      eightJobsRunOnceEachThroughEitherControlPlane(plane1, plane2);
      TrainerProcess survivor = aKilledHostsJobResumesOnTheOtherAndAKilledControlPlaneLeavesTheOther(
          plane1, plane2, host1, host2);
      aStoppedDatabaseRefusesSubmissionsWhileTheRunningJobTrainsOn(postgres, plane2, survivor);
    } finally {
      processes.forEach(TrainerProcess::close);
    }
  }

  private void eightJobsRunOnceEachThroughEitherControlPlane(TrainerProcess plane1, TrainerProcess plane2)
      throws Exception {
    List<Job> submitted = new ArrayList<>();
    for (int i = 0; i < JOBS; i++) {
      submitted.add(stub(i % 2 == 0 ? plane1.channel : plane2.channel)
          .submitJob(GeneratedData.request("small", "model-" + i, 1)));
    }
    Set<String> hosts = new HashSet<>();
    ModelRepository repository = new ModelRepository(dir.resolve("shared/models"));
    ModelExporter exporter = new ModelExporter(repository, SessionConfigs.threads(1, 1));
    for (int i = 0; i < JOBS; i++) {
      Job ended = awaitEnd(i % 2 == 0 ? plane2.channel : plane1.channel, submitted.get(i).getId());
      assertEquals(JobState.SUCCEEDED, ended.getState(), ended.toString());
      assertEquals(1, ended.getAttempts(), "ran exactly once: " + ended);
      assertEquals(JobAttempt.End.JOB_ENDED, ended.getAttemptHistory(0).getEnd());
      hosts.add(ended.getAttemptHistory(0).getHost());
      assertEquals(List.of(1L), repository.versions("model-" + i), "exported exactly one version");
      assertEquals(1L, exporter.versionWithKey("model-" + i, ended.getId()).orElseThrow());
    }
    assertEquals(Set.of("host-1", "host-2"), hosts, "both worker hosts leased jobs");
  }

  /** Returns the worker host left. */
  private TrainerProcess aKilledHostsJobResumesOnTheOtherAndAKilledControlPlaneLeavesTheOther(
      TrainerProcess plane1, TrainerProcess plane2, TrainerProcess host1, TrainerProcess host2) throws Exception {
    Job job = stub(plane2.channel).submitJob(GeneratedData.slowRequest("long", "resumed", EPOCHS));
    JobWatching.until(plane1.channel, job.getId(),
        e -> e.hasEpochEnded() && e.getEpochEnded().getMetrics().getEpoch() == 1, LONG);
    Job running = stub(plane1.channel).getJob(GetJobRequest.newBuilder().setJobId(job.getId()).build());
    String firstHost = running.getAttemptHistory(0).getHost();
    TrainerProcess killedHost = firstHost.equals("host-1") ? host1 : host2;
    TrainerProcess otherHost = killedHost == host1 ? host2 : host1;
    List<EpochMetrics> beforeKill = running.getEpochsList();
    killedHost.kill();
    plane1.kill();

    assertStatus(Code.UNAVAILABLE, () -> stub(plane1.channel)
        .getJob(GetJobRequest.newBuilder().setJobId(job.getId()).build()));
    List<JobEvent> events = JobWatching.toEnd(plane2.channel, job.getId(), LONG);
    Job ended = stub(plane2.channel).getJob(GetJobRequest.newBuilder().setJobId(job.getId()).build());
    assertEquals(JobState.SUCCEEDED, ended.getState(), ended + otherHost.log());
    assertEquals(2, ended.getAttempts(), ended.toString());
    JobAttempt expired = ended.getAttemptHistory(0);
    assertEquals(JobAttempt.End.LEASE_EXPIRED, expired.getEnd(), ended.toString());
    assertEquals(firstHost, expired.getHost());
    assertTrue(expired.getCause().contains("the lease of worker host " + firstHost + " expired"), expired.getCause());
    assertNotEquals(firstHost, ended.getAttemptHistory(1).getHost());
    // Epochs that were checkpointed before the kill keep their first run's figures: the job resumed.
    assertEquals(beforeKill.get(0), ended.getEpochs(0), "resumed from its checkpoint, not from scratch");
    assertEquals(IntStream.rangeClosed(1, EPOCHS).boxed().toList(),
        ended.getEpochsList().stream().map(EpochMetrics::getEpoch).toList());
    assertTrue(events.stream().filter(JobEvent::hasProgress).allMatch(e -> e.getProgress().getEpoch() >= 2),
        "epoch 1 did not run again: " + events);
    assertEquals(List.of(1L), new ModelRepository(dir.resolve("shared/models")).versions("resumed"));
    assertEquals(JOBS + 1, stub(plane2.channel).listJobs(ListJobsRequest.getDefaultInstance()).getJobsCount());
    return otherHost;
  }

  private void aStoppedDatabaseRefusesSubmissionsWhileTheRunningJobTrainsOn(TestPostgres postgres,
      TrainerProcess plane, TrainerProcess host) throws Exception {
    Job job = stub(plane.channel).submitJob(GeneratedData.slowRequest("long", "outage", 2));
    JobWatching.until(plane.channel, job.getId(), JobEvent::hasProgress, LONG);
    Job running = stub(plane.channel).getJob(GetJobRequest.newBuilder().setJobId(job.getId()).build());
    ProcessHandle worker = ProcessHandle.of(running.getAttemptHistory(0).getWorkerPid()).orElseThrow();

    postgres.stop();
    long start = System.nanoTime();
    StatusRuntimeException refused = assertStatus(Code.UNAVAILABLE,
        () -> stub(plane.channel).submitJob(GeneratedData.request("small", "refused", 1)));
    assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(15), "answered well within the deadline");
    String message = refused.getStatus().getDescription();
    assertTrue(message.contains("job database") && message.contains(url.substring(0, url.lastIndexOf('/'))),
        message);
    assertStatus(Code.UNAVAILABLE, () -> stub(plane.channel).getJob(GetJobRequest.newBuilder()
        .setJobId(job.getId()).build()));
    // The job trains to its end without the database: its worker exports and exits.
    worker.onExit().get(LONG.toSeconds(), TimeUnit.SECONDS);
    assertEquals(List.of(1L), new ModelRepository(dir.resolve("shared/models")).versions("outage"));
    postgres.start();

    Job ended = awaitEndOnceBack(plane.channel, job.getId());
    assertEquals(JobState.SUCCEEDED, ended.getState(), ended + host.log());
    assertEquals(1, ended.getAttempts(), "the outage cost no attempt: " + ended);
    assertEquals(1L, ended.getVersion());
    assertEquals(List.of(1, 2), ended.getEpochsList().stream().map(EpochMetrics::getEpoch).toList());
  }

  private TrainerProcess start(List<TrainerProcess> processes, String name, String role) throws Exception {
    List<String> args = new ArrayList<>(List.of("--role", role, "--database-url", url,
        "--database-user", TestPostgres.user(), "--data-dir", dir.resolve("shared").toString(),
        "--data-root", root.toString(), "--cpu-only", "--tf-intra-threads", "1", "--tf-inter-threads", "1",
        "--lease-timeout", LEASE_TIMEOUT, "--heartbeat-interval", "500ms", "--shutdown-grace", "20s"));
    if (role.equals("worker-host")) {
      args.addAll(List.of("--host-name", name));
    }
    TrainerProcess process = TrainerProcess.start(dir, name, args);
    processes.add(process);
    return process;
  }

  private static Job awaitEnd(Channel channel, String jobId) {
    JobWatching.toEnd(channel, jobId, LONG);
    return stub(channel).getJob(GetJobRequest.newBuilder().setJobId(jobId).build());
  }

  /**
   * As a client that honours UNAVAILABLE's "try again": the connection pool reconnects at its own pace
   * after an outage, so the first calls after a restart may still find the database away.
   */
  private static Job awaitEndOnceBack(Channel channel, String jobId) throws InterruptedException {
    long deadline = System.nanoTime() + LONG.toNanos();
    while (true) {
      try {
        return awaitEnd(channel, jobId);
      } catch (StatusRuntimeException e) {
        if (e.getStatus().getCode() != Code.UNAVAILABLE || System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(500);
      }
    }
  }

  private static TrainerServiceGrpc.TrainerServiceBlockingStub stub(Channel channel) {
    return TrainerServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
  }
}
