package io.dlf.trainer.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dlf.dsl.repository.ModelRepository;
import io.dlf.proto.trainer.v1.GetJobRequest;
import io.dlf.proto.trainer.v1.Job;
import io.dlf.proto.trainer.v1.JobAttempt;
import io.dlf.proto.trainer.v1.JobEvent;
import io.dlf.proto.trainer.v1.JobFailure;
import io.dlf.proto.trainer.v1.JobState;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each job runs in a worker process of its own: a worker killed the way the kernel's OOM killer
 * kills (SIGKILL) takes down only its own attempt. The job resumes from its checkpoint, or, once its
 * attempts are spent, fails with the cause; the trainer and the other jobs carry on, and a restart
 * does not run the failed job again. The embedded trainer here; {@link PostgresWorkerIsolationTest}
 * runs the same on a shared database (the same metrics, from its worker host).
 */
@Tag("e2e")
class WorkerIsolationTest {
  private static final Duration LONG = Duration.ofMinutes(4);

  @TempDir
  Path dir;
  private Path root;

  @BeforeEach
  void writeData() throws Exception {
    root = dir.resolve("data");
    GeneratedData.write(root, "small", 2_000);
    GeneratedData.write(root, "large", 8_000);
  }

  protected TrainerServerConfig config() {
    return RunningTrainer.config(dir.resolve("trainer"), root).withSlots(2, 1);
  }

  @Test
  void aWorkerKilledMidTrainingResumesFromItsCheckpointAndExportsOnce() throws Exception {
    GeneratedData.write(root, "long", 40_000);
    try (RunningTrainer trainer = RunningTrainer.start(config())) {
      Job job = trainer.stub().submitJob(GeneratedData.slowRequest("long", "resumed", 3));
      trainer.watchUntil(job.getId(), JobEvent::hasEpochEnded, LONG);
      long pid = runningWorker(trainer, job.getId(), 1);
      assertEquals("1000", Files.readString(Path.of("/proc", Long.toString(pid), "oom_score_adj")).strip(),
          "the kernel takes the worker, not the trainer, when memory runs out");
      kill(pid);

      Job ended = trainer.awaitEnd(job.getId(), LONG);
      assertEquals(JobState.SUCCEEDED, ended.getState(), ended.toString());
      assertEquals(2, ended.getAttempts());
      JobAttempt died = ended.getAttemptHistory(0);
      assertEquals(JobAttempt.End.WORKER_DIED, died.getEnd());
      assertTrue(died.getCause().contains("killed by signal 9 (SIGKILL)"), died.getCause());
      assertEquals(JobAttempt.End.JOB_ENDED, ended.getAttemptHistory(1).getEnd());
      assertEquals(3, ended.getEpochsCount(), "every epoch once: " + ended.getEpochsList());
      assertEquals(List.of(1L), new ModelRepository(config().modelsDir()).versions("resumed"));
    }
  }

  @Test
  void aWorkerThatDiesOnEveryAttemptFailsItsJobAloneAndARestartDoesNotRunItAgain() throws Exception {
    String victim;
    try (RunningTrainer trainer = RunningTrainer.start(config())) {
      victim = trainer.stub().submitJob(GeneratedData.slowRequest("large", "victim", 6)).getId();
      String bystander = trainer.stub().submitJob(GeneratedData.request("small", "bystander", 2)).getId();
      kill(runningWorker(trainer, victim, 1));
      kill(runningWorker(trainer, victim, 2));

      Job failed = trainer.awaitEnd(victim, LONG);
      assertEquals(JobState.FAILED, failed.getState(), failed.toString());
      assertEquals(JobFailure.Kind.WORKER_DIED, failed.getFailure().getKind());
      assertTrue(failed.getFailure().getMessage().contains("killed by signal 9 (SIGKILL)"), failed.getFailure()
          .getMessage());
      assertEquals(List.of(JobAttempt.End.WORKER_DIED, JobAttempt.End.WORKER_DIED),
          failed.getAttemptHistoryList().stream().map(JobAttempt::getEnd).toList());
      assertTrue(Files.exists(Path.of(failed.getAttemptHistory(1).getWorkerLog())));

      Job other = trainer.awaitEnd(bystander, LONG);
      assertEquals(JobState.SUCCEEDED, other.getState(), other.toString());
      assertEquals(1, other.getAttempts());

      String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + trainer.server.metricsPort() + "/metrics")).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      for (String line : List.of("dlf_trainer_worker_starts_total 3.0",
          "dlf_trainer_worker_exits_total{cause=\"died\"} 2.0", "dlf_trainer_worker_exits_total{cause=\"job_ended\"} 1.0",
          "dlf_trainer_job_retries_total 1.0", "dlf_trainer_queue_wait_seconds_count{device_kind=\"CPU\"} 3")) {
        assertTrue(metrics.contains(line), line + " in\n" + metrics);
      }
    }
    try (RunningTrainer restarted = RunningTrainer.start(config())) {
      Job after = restarted.stub().getJob(GetJobRequest.newBuilder().setJobId(victim).build());
      assertEquals(JobState.FAILED, after.getState());
      assertEquals(2, after.getAttempts(), "a restart does not run a failed job again");
    }
  }

  /** The pid of the job's worker once attempt {@code number} runs. */
  private static long runningWorker(RunningTrainer trainer, String jobId, int number) throws InterruptedException {
    long deadline = System.nanoTime() + LONG.toNanos();
    while (System.nanoTime() < deadline) {
      Job job = trainer.stub().getJob(GetJobRequest.newBuilder().setJobId(jobId).build());
      if (job.getAttemptHistoryCount() >= number) {
        JobAttempt attempt = job.getAttemptHistory(number - 1);
        if (attempt.getEnd() == JobAttempt.End.RUNNING && attempt.getWorkerPid() > 0) {
          return attempt.getWorkerPid();
        }
      }
      Thread.sleep(50);
    }
    throw new AssertionError("attempt " + number + " of job " + jobId + " never ran");
  }

  /** SIGKILL, as the kernel's OOM killer sends it. */
  private static void kill(long pid) {
    ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
  }
}
