package io.dlf.trainer.server;

import static io.dlf.trainer.server.StatusAssertions.assertStatus;
import static io.dlf.trainer.server.StatusAssertions.reason;
import static io.dlf.trainer.server.StatusAssertions.violatedFields;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.dlf.dsl.Presets;
import io.dlf.dsl.codec.SpecProtos;
import io.dlf.dsl.export.Int8Kernel;
import io.dlf.dsl.repository.ModelRepository;
import io.dlf.dsl.repository.VersionFiles;
import io.dlf.dsl.spec.Feature;
import io.dlf.dsl.spec.Mlp;
import io.dlf.proto.model.v1.ServingPrecision;
import io.dlf.proto.model.v1.TrainingMetrics;
import io.dlf.proto.trainer.v1.DatasetRef;
import io.dlf.proto.trainer.v1.ExportTarget;
import io.dlf.proto.trainer.v1.Job;
import io.dlf.proto.trainer.v1.JobFailure;
import io.dlf.proto.trainer.v1.JobState;
import io.dlf.proto.trainer.v1.ListJobsRequest;
import io.dlf.proto.trainer.v1.SubmitJobRequest;
import io.dlf.proto.trainer.v1.TrainingSettings;
import io.dlf.trainer.data.DatasetCatalog;
import io.dlf.trainer.data.GeneratedDatasets;
import io.dlf.trainer.job.CpuFeatures;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * training.precision through a trainer: BFLOAT16 trains on a CPU with bfloat16 instructions and is
 * refused on one without; export.precision INT8 serves a version measured as served where the CPU
 * runs the int8 product, and fails the job before training where it does not.
 */
class PrecisionJobTest {
  /** The fault: a CPU with AVX-512 but neither avx512_bf16 nor amx_bf16. */
  private static final CpuFeatures NO_BFLOAT16 = CpuFeatures.parse("""
      processor\t: 0
      flags\t\t: fpu sse2 avx avx2 avx512f avx512bw avx512_vnni
      """);

  @Test
  void bfloat16OnACpuWithoutItIsRefusedWithTheFieldAndTheReason(@TempDir Path dir) throws Exception {
    Path data = Files.createDirectories(dir.resolve("no-data"));
    try (RunningTrainer trainer = RunningTrainer.start(RunningTrainer.config(dir.resolve("trainer"), data),
        binder -> binder.bind(CpuFeatures.class).toInstance(NO_BFLOAT16))) {
      StatusRuntimeException refused = assertStatus(Status.Code.FAILED_PRECONDITION,
          () -> trainer.stub().submitJob(request(TrainingSettings.Precision.BFLOAT16)));
      assertEquals("NO_BFLOAT16_CPU", reason(refused));
      assertEquals("training.precision: BFLOAT16 cannot train on this CPU: it has no bfloat16 instructions "
          + "(avx512_bf16/amx_bf16 absent in /proc/cpuinfo); use FLOAT32, or a trainer whose CPU has them",
          refused.getStatus().getDescription());
      assertEquals(0, trainer.stub().listJobs(ListJobsRequest.getDefaultInstance()).getJobsCount(), "nothing queued");
    }
  }

  @Test
  void anUnknownPrecisionIsAnInvalidArgumentNamingTheField(@TempDir Path dir) throws Exception {
    Path data = Files.createDirectories(dir.resolve("no-data"));
    try (RunningTrainer trainer = RunningTrainer.start(RunningTrainer.config(dir.resolve("trainer"), data))) {
      SubmitJobRequest request = request(TrainingSettings.Precision.FLOAT32);
      StatusRuntimeException refused = assertStatus(Status.Code.INVALID_ARGUMENT, () -> trainer.stub().submitJob(
          request.toBuilder().setTraining(request.getTraining().toBuilder().setPrecisionValue(7)).build()));
      assertEquals(List.of("training.precision"), violatedFields(refused));
      assertTrue(refused.getStatus().getDescription().contains("training.precision: unknown value; expected FLOAT32 "
          + "or BFLOAT16"), refused.getStatus().getDescription());
    }
  }

  @Test
  @Tag("e2e")
  void aBfloat16JobTrainsAndItsVersionRecordsThePrecision(@TempDir Path dir) throws Exception {
    assumeTrue(CpuFeatures.ofThisMachine().hasBfloat16(),
        "this CPU has neither avx512_bf16 nor amx_bf16, so the trainer refuses BFLOAT16 jobs here");
    Path data = Files.createDirectories(dir.resolve("no-data"));
    TrainerServerConfig config = RunningTrainer.config(dir.resolve("trainer"), data);
    try (RunningTrainer trainer = RunningTrainer.start(config)) {
      Job job = trainer.stub().submitJob(request(TrainingSettings.Precision.BFLOAT16));
      Job ended = trainer.awaitEnd(job.getId(), Duration.ofMinutes(3));
      assertEquals(JobState.SUCCEEDED, ended.getState(), ended.toString());
      assertEquals("bfloat16", ended.getMetrics().getTrainingPrecision());
      assertTrue(ended.getMetrics().getTest().getAuc() > 0.6, "learns in bfloat16: " + ended.getMetrics().getTest());
      String metrics = Files.readString(new ModelRepository(config.modelsDir())
          .versionDir(ended.getModelName(), ended.getVersion()).resolve(VersionFiles.METRICS));
      assertTrue(metrics.contains("\"training_precision\": \"bfloat16\""), metrics);
    }
  }

  @Test
  @Tag("e2e")
  void anInt8VersionRecordsItsServedFiguresBesideTheFloat32Ones(@TempDir Path dir) throws Exception {
    Path data = Files.createDirectories(dir.resolve("no-data"));
    TrainerServerConfig config = RunningTrainer.config(dir.resolve("trainer"), data);
    // a DeepFM whose 128 x 128 layer is large enough for the int8 rewrite
    SubmitJobRequest request = SubmitJobRequest.newBuilder()
        .setModelSpec(SpecProtos.toProto(Presets.deepFm().name("int8").deepFm(d -> d.dnn(Mlp.of(128, 128)))
            .features(DatasetCatalog.FRAPPE_FIELDS.stream().map(Feature::categorical).toList()).build()))
        .setDataset(DatasetRef.newBuilder().setName(GeneratedDatasets.SYNTHETIC_FRAPPE))
        .setTraining(TrainingSettings.newBuilder().setMaxEpochs(1).setBatchSize(4096).setSeed(1)
            .setDevice(TrainingSettings.Device.CPU))
        .setExport(ExportTarget.newBuilder().setPrecision(ServingPrecision.INT8))
        .build();
    try (RunningTrainer trainer = RunningTrainer.start(config)) {
      Job ended = trainer.awaitEnd(trainer.stub().submitJob(request).getId(), Duration.ofMinutes(3));
      Optional<String> noInt8 = Int8Kernel.refusal();
      if (noInt8.isPresent()) {
        // this CPU cannot run the int8 product: the job fails before training, naming why, and no version is made
        assertEquals(JobState.FAILED, ended.getState(), ended.toString());
        assertEquals(JobFailure.Kind.NO_INT8_CPU, ended.getFailure().getKind(), ended.toString());
        assertTrue(ended.getFailure().getMessage().contains(noInt8.get()), ended.getFailure().getMessage());
        assertFalse(ended.hasData(), "failed before preparing the data: " + ended);
        assertEquals(0, ended.getEpochsCount(), "nothing trained: " + ended);
        assertEquals(List.of(), new ModelRepository(config.modelsDir()).versions(ended.getModelName()));
        return;
      }
      assertEquals(JobState.SUCCEEDED, ended.getState(), ended.toString());
      Path version = new ModelRepository(config.modelsDir()).versionDir(ended.getModelName(), ended.getVersion());
      TrainingMetrics metrics = VersionFiles.readJson(version.resolve(VersionFiles.METRICS),
          TrainingMetrics.newBuilder()).build();
      assertEquals(ServingPrecision.INT8, metrics.getServingPrecision());
      assertTrue(metrics.hasServedTest() && metrics.hasServedValidation(), metrics.toString());
      assertEquals(metrics.getTest().getAuc(), metrics.getServedTest().getAuc(), 0.01,
          "int8 products cost little AUC: " + metrics);
    }
  }

  /** One epoch of a small DLF on the generated Frappe-like data, on the CPU. */
  private static SubmitJobRequest request(TrainingSettings.Precision precision) {
    return SubmitJobRequest.newBuilder()
        .setModelSpec(SpecProtos.toProto(Presets.dlfPaper(new Presets.Size(4, 1, 4, 2, 16)).name("bf16")
            .features(DatasetCatalog.FRAPPE_FIELDS.stream().map(Feature::categorical).toList()).build()))
        .setDataset(DatasetRef.newBuilder().setName(GeneratedDatasets.SYNTHETIC_FRAPPE))
        .setTraining(TrainingSettings.newBuilder().setMaxEpochs(1).setBatchSize(4096).setSeed(1)
            .setDevice(TrainingSettings.Device.CPU).setPrecision(precision))
        .build();
  }
}
