package io.dlf.trainer.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dlf.dsl.repository.ModelRepository;
import io.dlf.proto.trainer.v1.ClusterShape;
import io.dlf.proto.trainer.v1.GetJobRequest;
import io.dlf.proto.trainer.v1.Job;
import io.dlf.proto.trainer.v1.JobAttempt;
import io.dlf.proto.trainer.v1.JobEvent;
import io.dlf.proto.trainer.v1.JobFailure;
import io.dlf.proto.trainer.v1.JobState;
import io.dlf.proto.trainer.v1.Progress;
import io.dlf.proto.trainer.v1.SubmitJobRequest;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
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
 * A job on a cluster of 2 workers and 2 parameter servers through a real trainer (file store): the
 * chief starts the tasks on loopback, the workers train asynchronously, and the job exports one
 * single-process version. A task killed mid-training (SIGKILL) fails the attempt naming it, and the
 * job resumes from its checkpoint with fresh tasks; a task nobody listens for fails the job naming it.
 */
@Tag("e2e")
class ClusterJobEndToEndTest {
  static final Duration LONG = Duration.ofMinutes(5);

  @TempDir
  Path dir;
  private Path root;

  @BeforeEach
  void writeData() throws Exception {
    root = dir.resolve("data");
    GeneratedData.write(root, "large", 8_000);
  }

  /** A trainer with 4 CPU job slots, its workers' JVMs given {@code workerOptions}. */
  protected TrainerServerConfig config(String... workerOptions) {
    TrainerServerConfig config = RunningTrainer.config(dir.resolve("trainer"), root).withSlots(4, 1);
    return config.withWorkers(config.workers().withHeap("1g").withJvmOptions(List.of(workerOptions)));
  }

  static SubmitJobRequest clusterRequest(String model, int epochs, boolean synchronous) {
    SubmitJobRequest request = GeneratedData.request("large", model, epochs);
    return request.toBuilder().setTraining(request.getTraining().toBuilder()
        .setProgressEverySteps(4)
        .setCluster(ClusterShape.newBuilder().setWorkers(2).setParameterServers(2).setSynchronous(synchronous)))
        .build();
  }

  @Test
  void twoWorkersAndTwoParameterServersTrainAndExportOneVersion() throws Exception {
    trainsAndExportsOneVersion("cluster", false);
  }

  @Test
  void twoSynchronousWorkersTrainAndExportOneVersion() throws Exception {
    trainsAndExportsOneVersion("synchronous", true);
  }

  private void trainsAndExportsOneVersion(String model, boolean synchronous) throws Exception {
    try (RunningTrainer trainer = RunningTrainer.start(config())) {
      Job job = trainer.stub().submitJob(clusterRequest(model, 2, synchronous));
      trainer.watchUntil(job.getId(), e -> e.hasProgress() && e.getProgress().getWorkerSamplesPerSecondCount() == 2,
          LONG);
      String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + trainer.server.metricsPort() + "/metrics")).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      for (int task = 0; task < 2; task++) {
        assertTrue(metrics.contains("dlf_trainer_task_samples_per_second{job=\"" + job.getId() + "\",task=\"" + task
            + "\"}"), "task " + task + "'s samples/s while the job trains: " + metrics);
      }
      List<JobEvent> events = trainer.watch(job.getId(), LONG);
      Job ended = trainer.stub().getJob(GetJobRequest.newBuilder().setJobId(job.getId()).build());
      assertEquals(JobState.SUCCEEDED, ended.getState(), ended.toString());
      assertEquals(1, ended.getAttempts());
      assertEquals(List.of(1L), new ModelRepository(config().modelsDir()).versions(model));
      assertTrue(ended.getMetrics().getTest().getAuc() > 0.6, ended.getMetrics().toString());
      List<Progress> progress = events.stream().filter(JobEvent::hasProgress).map(JobEvent::getProgress).toList();
      assertTrue(progress.stream().anyMatch(p -> p.getWorkerSamplesPerSecondCount() == 2
          && p.getWorkerSamplesPerSecondList().stream().allMatch(s -> s > 0)),
          "some window had both workers stepping: " + progress);
    }
  }

  @Test
  void aParameterServerKilledMidTrainingFailsTheAttemptAndTheJobResumesOnFreshTasks() throws Exception {
    killedTaskResumes("ps", "1", "parameter server 1 (127.0.0.1:", false);
  }

  /** Synchronous, so that each way of training is seen to resume (a synchronous step needs every worker). */
  @Test
  void aWorkerTaskKilledMidTrainingFailsTheAttemptAndTheJobResumesOnFreshTasks() throws Exception {
    killedTaskResumes("worker", "1", "worker 1 (127.0.0.1:", true);
  }

  private void killedTaskResumes(String job, String index, String named, boolean synchronous) throws Exception {
    try (RunningTrainer trainer = RunningTrainer.start(config("-Ddlf.cluster.operation-timeout=PT60S"))) {
      Job submitted = trainer.stub().submitJob(clusterRequest("resumed", 3, synchronous));
      trainer.watchUntil(submitted.getId(), JobEvent::hasEpochEnded, LONG);
      long worker = runningWorker(trainer, submitted.getId());
      ProcessHandle task = task(worker, job, index).orElseThrow(() -> new AssertionError("no " + job + " task "
          + index + " under the job's worker " + worker));
      task.destroyForcibly();

      Job ended = trainer.awaitEnd(submitted.getId(), LONG);
      assertEquals(JobState.SUCCEEDED, ended.getState(), ended.toString());
      assertEquals(2, ended.getAttempts());
      JobAttempt failed = ended.getAttemptHistory(0);
      assertEquals(JobAttempt.End.WORKER_DIED, failed.getEnd());
      assertTrue(failed.getCause().contains(named) && failed.getCause().contains("exited with signal 9"),
          failed.getCause());
      assertEquals(3, ended.getEpochsCount(), "every epoch once: " + ended.getEpochsList());
      assertEquals(List.of(1L), new ModelRepository(config().modelsDir()).versions("resumed"));
    }
  }

  @Test
  void aTaskNobodyListensForFailsTheJobNamingItsAddress() throws Exception {
    TrainerServerConfig config = config("-Ddlf.cluster.operation-timeout=PT10S", "-Ddlf.cluster.unstarted=ps:1");
    config = config.withWorkers(config.workers().withMaxAttempts(1));
    try (RunningTrainer trainer = RunningTrainer.start(config)) {
      Job submitted = trainer.stub().submitJob(clusterRequest("unreachable", 1, false));
      Job ended = trainer.awaitEnd(submitted.getId(), LONG);
      assertEquals(JobState.FAILED, ended.getState(), ended.toString());
      assertEquals(JobFailure.Kind.WORKER_DIED, ended.getFailure().getKind());
      String message = ended.getFailure().getMessage();
      assertTrue(message.contains("parameter server 1 (127.0.0.1:") && message.contains("cannot be reached"), message);
    }
  }

  /** The process of task {@code index} of {@code job} under the chief {@code worker}. */
  private static Optional<ProcessHandle> task(long worker, String job, String index) {
    return ProcessHandle.of(worker).stream().flatMap(ProcessHandle::children)
        .filter(child -> arguments(child).contains("\0--job\0" + job + "\0--task\0" + index + "\0")).findFirst();
  }

  /** The process's arguments, each ended by NUL: the JDK cuts a command line as long as a task's class path. */
  static String arguments(ProcessHandle process) {
    try {
      return new String(Files.readAllBytes(Path.of("/proc", Long.toString(process.pid()), "cmdline")),
          StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  private static long runningWorker(RunningTrainer trainer, String jobId) {
    Job job = trainer.stub().getJob(GetJobRequest.newBuilder().setJobId(jobId).build());
    JobAttempt attempt = job.getAttemptHistory(job.getAttemptHistoryCount() - 1);
    assertEquals(JobAttempt.End.RUNNING, attempt.getEnd(), job.toString());
    return attempt.getWorkerPid();
  }
}
