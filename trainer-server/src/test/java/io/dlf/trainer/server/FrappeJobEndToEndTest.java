package io.dlf.trainer.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dlf.dsl.Presets;
import io.dlf.dsl.codec.SpecProtos;
import io.dlf.dsl.compile.SessionConfigs;
import io.dlf.dsl.export.ExportedModel;
import io.dlf.dsl.repository.ModelRepository;
import io.dlf.dsl.testing.RequiresDataset;
import io.dlf.dsl.testing.TestData;
import io.dlf.proto.trainer.v1.DatasetRef;
import io.dlf.proto.trainer.v1.GetJobRequest;
import io.dlf.proto.trainer.v1.Job;
import io.dlf.proto.trainer.v1.JobEvent;
import io.dlf.proto.trainer.v1.JobState;
import io.dlf.proto.trainer.v1.ListJobsRequest;
import io.dlf.proto.trainer.v1.PreparationProgress;
import io.dlf.proto.trainer.v1.RunPhase;
import io.dlf.proto.trainer.v1.StateTransition;
import io.dlf.proto.trainer.v1.SubmitJobRequest;
import io.dlf.proto.trainer.v1.TrainerServiceGrpc;
import io.dlf.proto.trainer.v1.TrainingSettings;
import io.dlf.server.testing.ReflectedServices;
import io.dlf.trainer.data.DatasetCatalog;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A small real DLF job on Frappe through a trainer on a loopback port: submitted, watched to
 * SUCCEEDED, its version found in the model repository and loaded; the server's other faces
 * (late watchers, listing, health, metrics) agree.
 */
@RequiresDataset("frappe")
class FrappeJobEndToEndTest {
  @Test
  void frappeJobIsWatchedToSucceededAndItsVersionIsInTheRepository(@TempDir Path dir) throws Exception {
    // Devices as TensorFlow lists them: a job that prefers a GPU gets one if there is one.
    TrainerServerConfig config = RunningTrainer.config(dir, TestData.root()).withUseGpus(true).withThreads(2, 2);
    try (RunningTrainer trainer = RunningTrainer.start(config)) {
      Job submitted = trainer.stub().submitJob(SubmitJobRequest.newBuilder()
          .setModelSpec(SpecProtos.toProto(Presets.dlfPaper(new Presets.Size(8, 2, 8, 4, 64)).name("frappe-e2e")
              .features(DatasetCatalog.get(DatasetCatalog.FRAPPE).features()).build()))
          .setDataset(DatasetRef.newBuilder().setName("frappe"))
          .setTraining(TrainingSettings.newBuilder().setMaxEpochs(1).setBatchSize(4096).setSeed(7)
              .setProgressEverySteps(10))
          .build());
      assertEquals(JobState.QUEUED, submitted.getState());
      assertEquals("frappe-e2e", submitted.getModelName());

      List<JobEvent> events = trainer.watch(submitted.getId(), Duration.ofMinutes(6));
      assertTrue(events.get(0).hasSnapshot(), events.get(0).toString());
      JobEvent last = events.get(events.size() - 1);
      assertEquals(JobState.SUCCEEDED, last.getStateChanged().getState(), last.toString());
      List<JobEvent> progress = events.stream().filter(JobEvent::hasProgress).toList();
      assertFalse(progress.isEmpty());
      progress.forEach(p -> assertTrue(p.getProgress().getSamplesPerSecond() > 0 && p.getProgress().getLoss() > 0, p.toString()));
      JobEvent epoch = events.stream().filter(JobEvent::hasEpochEnded).findFirst().orElseThrow();
      assertEquals(1, epoch.getEpochEnded().getMetrics().getEpoch());
      assertTrue(epoch.getEpochEnded().getMetrics().getValidation().getAuc() > 0.85, epoch.toString());
      JobEvent result = events.stream().filter(JobEvent::hasResult).findFirst().orElseThrow();
      assertEquals(1, result.getResult().getVersion());
      assertTrue(result.getResult().getMetrics().getTest().getAuc() > 0.85, result.toString());

      Job job = trainer.stub().getJob(GetJobRequest.newBuilder().setJobId(submitted.getId()).build());
      assertEquals(JobState.SUCCEEDED, job.getState());
      assertEquals(1, job.getVersion());
      assertEquals(1, job.getAttempts());
      assertEquals(202_027, job.getData().getTrainRows());
      assertEquals(PreparationProgress.newBuilder().setStage(PreparationProgress.Stage.SHARDS).setSplit("test")
          .setRows(28_860).build(), job.getPreparation().toBuilder().clearRowsPerSecond().clearShardBytes().build(),
          "the last report of the preparation: the test split encoded in full");
      assertEquals(202_027L + 57_722 + 28_860, job.getPreparation().getShardBytes() / (4 * 11),
          "a label and 10 ids a row, 4 bytes each");
      assertTrue(events.stream().anyMatch(JobEvent::hasPreparation), "the watcher heard the preparation");
      try (Stream<Path> prepared = Files.list(config.dataDir().resolve("prepared"))) {
        assertEquals(1, prepared.count(), "one prepared dataset, kept for the next job");
      }
      assertEquals(28_860, job.getMetrics().getTest().getExamples());
      assertTrue(job.getMetrics().getTest().getRocCount() > 2, "the test ROC curve: " + job.getMetrics().getTest());
      assertEquals(job.getMetrics(), result.getResult().getMetrics(), "the final event carries the record's metrics");
      assertEquals(List.of(JobState.QUEUED, JobState.RUNNING, JobState.RUNNING, JobState.RUNNING, JobState.SUCCEEDED),
          job.getTransitionsList().stream().map(StateTransition::getState).toList());
      assertEquals(List.of(RunPhase.PREPARING_DATA, RunPhase.TRAINING, RunPhase.EXPORTING),
          job.getTransitionsList().subList(1, 4).stream().map(StateTransition::getPhase).toList());

      ModelRepository repository = new ModelRepository(config.modelsDir());
      assertEquals(List.of(1L), repository.versions("frappe-e2e"));
      try (ExportedModel model = ExportedModel.load(repository.versionDir("frappe-e2e", 1),
          SessionConfigs.threads(1, 1))) {
        assertEquals(job.getId(), model.manifest().getExportKey());
        assertEquals(job.getMetrics().getTest(), model.metrics().getTest(), "metrics.json keeps the ROC curve too");
      }

      List<JobEvent> late = trainer.watch(submitted.getId(), Duration.ofSeconds(10));
      assertEquals(1, late.size(), "a watcher joining a finished job gets its snapshot and the end of the stream");
      assertEquals(job, late.get(0).getSnapshot());

      assertEquals(List.of(job), trainer.stub().listJobs(ListJobsRequest.newBuilder()
          .addStates(JobState.SUCCEEDED).build()).getJobsList());
      assertTrue(trainer.stub().listJobs(ListJobsRequest.newBuilder().addStates(JobState.RUNNING).build())
          .getJobsList().isEmpty());

      assertEquals(ServingStatus.SERVING, HealthGrpc.newBlockingStub(trainer.channel).withDeadlineAfter(5, TimeUnit.SECONDS)
          .check(HealthCheckRequest.newBuilder().setService(TrainerServiceGrpc.SERVICE_NAME).build()).getStatus());
      assertTrue(ReflectedServices.of(trainer.channel).contains(TrainerServiceGrpc.SERVICE_NAME), "grpcurl can list the service");
      String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
              URI.create("http://127.0.0.1:" + trainer.server.metricsPort() + "/metrics")).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      boolean gpu = metrics.contains("dlf_trainer_device_slots{device=\"/device:GPU:0\"}");
      assertEquals(gpu ? "/device:GPU:0" : "/device:CPU:0", job.getDevice(), "PREFER_GPU: the GPU if there is one");
      assertTrue(metrics.contains("dlf_trainer_jobs{state=\"SUCCEEDED\"} 1.0"), metrics);
      assertTrue(metrics.contains("dlf_trainer_queue_length 0.0"), metrics);
      assertTrue(metrics.contains("dlf_trainer_samples_total 202027.0"), metrics);
      assertTrue(metrics.contains("grpc_server_handled_total{code=\"OK\",method=\"dlf.trainer.v1.TrainerService/SubmitJob\"}"),
          metrics);
    }
  }
}
