package io.dlf.trainer.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dlf.dsl.repository.ModelRepository;
import io.dlf.proto.model.v1.EpochMetrics;
import io.dlf.proto.trainer.v1.GetJobRequest;
import io.dlf.proto.trainer.v1.Job;
import io.dlf.proto.trainer.v1.JobAttempt;
import io.dlf.proto.trainer.v1.JobEvent;
import io.dlf.proto.trainer.v1.JobState;
import io.dlf.proto.trainer.v1.TrainerServiceGrpc;
import io.dlf.trainer.server.postgres.TestPostgres;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cluster job spread over two worker hosts, each a JVM of its own with 2 CPU slots, sharing tasks
 * through {@code --cluster-address} (127.0.0.1 and 127.0.0.2, both on loopback): neither host could
 * run its 2 workers and 2 parameter servers alone, so the host that leases it runs the chief and two
 * tasks, the other host the other two. The job trains and exports one version; a task killed on the
 * other host fails the attempt naming the task's address, and the job resumes from its checkpoint on
 * fresh tasks.
 */
@Tag("e2e")
class SharedClusterTasksTest {
  private static final Duration LONG = Duration.ofMinutes(5);

  @TempDir
  Path dir;
  private TestPostgres postgres;
  private final List<TrainerProcess> hosts = new ArrayList<>();

  /** The first host also serves the API; both share tasks. */
  @BeforeEach
  void startHosts() throws Exception {
    Path root = dir.resolve("data");
    GeneratedData.write(root, "large", 8_000);
    postgres = TestPostgres.start(dir.resolve("postgres/data"));
    String url = postgres.createDatabase();
    hosts.add(start(url, root, "host-1", "all", "127.0.0.1"));
    hosts.add(start(url, root, "host-2", "worker-host", "127.0.0.2"));
  }

  @AfterEach
  void stopHosts() throws IOException {
    hosts.forEach(TrainerProcess::close);
    postgres.close();
  }

  @Test
  void aClusterJobRunsItsTasksOnTwoWorkerHosts() throws Exception {
    Job ended = awaitEnd(submit("spread", 1).getId());

    assertEquals(JobState.SUCCEEDED, ended.getState(), ended + hosts.get(0).log() + hosts.get(1).log());
    assertEquals(1, ended.getAttempts(), ended.toString());
    assertEquals(List.of(1L), new ModelRepository(dir.resolve("shared/models")).versions("spread"));
    int chief = hostIndex(ended.getAttemptHistory(0));
    String chiefLog = hosts.get(chief).log();
    assertTrue(chiefLog.contains("leased job " + ended.getId()) && chiefLog.contains("its 2 other tasks on other "
        + "worker hosts"), chiefLog);
    String otherLog = hosts.get(1 - chief).log();
    assertEquals(2, Pattern.compile("runs task (ps|worker):\\d of job " + ended.getId() + " at "
        + Pattern.quote(address(1 - chief)) + ":\\d+").matcher(otherLog).results().count(), otherLog);
  }

  @Test
  void aTaskKilledOnTheOtherHostFailsTheAttemptAndTheJobResumesOnFreshTasks() throws Exception {
    Job submitted = submit("resumed", 3);
    JobWatching.until(hosts.get(0).channel, submitted.getId(), JobEvent::hasEpochEnded, LONG);
    Job running = stub().getJob(GetJobRequest.newBuilder().setJobId(submitted.getId()).build());
    int other = 1 - hostIndex(running.getAttemptHistory(0));
    ProcessHandle task = hosts.get(other).process.toHandle().children()
        .filter(child -> ClusterJobEndToEndTest.arguments(child).contains("io.dlf.trainer.worker.TaskMain")).findFirst()
        .orElseThrow(() -> new AssertionError("no task process under the other host"));
    task.destroyForcibly();

    Job ended = awaitEnd(submitted.getId());
    assertEquals(JobState.SUCCEEDED, ended.getState(), ended + hosts.get(0).log() + hosts.get(1).log());
    assertEquals(2, ended.getAttempts(), ended.toString());
    JobAttempt failed = ended.getAttemptHistory(0);
    assertEquals(JobAttempt.End.WORKER_DIED, failed.getEnd());
    assertTrue(failed.getCause().contains("(" + address(other) + ":") && failed.getCause().contains("cannot be "
        + "reached"), failed.getCause());
    assertEquals(IntStream.rangeClosed(1, 3).boxed().toList(),
        ended.getEpochsList().stream().map(EpochMetrics::getEpoch).toList(), "every epoch once");
    assertEquals(List.of(1L), new ModelRepository(dir.resolve("shared/models")).versions("resumed"));
  }

  private Job submit(String model, int epochs) {
    return stub().submitJob(ClusterJobEndToEndTest.clusterRequest(model, epochs, false));
  }

  private Job awaitEnd(String jobId) {
    JobWatching.toEnd(hosts.get(0).channel, jobId, LONG);
    return stub().getJob(GetJobRequest.newBuilder().setJobId(jobId).build());
  }

  private TrainerServiceGrpc.TrainerServiceBlockingStub stub() {
    return TrainerServiceGrpc.newBlockingStub(hosts.get(0).channel).withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  private static int hostIndex(JobAttempt attempt) {
    return attempt.getHost().equals("host-1") ? 0 : 1;
  }

  private static String address(int host) {
    return host == 0 ? "127.0.0.1" : "127.0.0.2";
  }

  private TrainerProcess start(String url, Path root, String name, String role, String address) throws Exception {
    return TrainerProcess.start(dir, name, List.of("--role", role, "--database-url", url,
        "--database-user", TestPostgres.user(), "--data-dir", dir.resolve("shared").toString(),
        "--data-root", root.toString(), "--cpu-only", "--cpu-jobs", "2", "--worker-heap", "1g",
        "--tf-intra-threads", "1", "--tf-inter-threads", "1", "--heartbeat-interval", "500ms", "--host-name", name,
        "--cluster-address", address));
  }
}
