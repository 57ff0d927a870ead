package io.dlf.trainer.server;

import static io.dlf.trainer.server.StatusAssertions.assertStatus;
import static io.dlf.trainer.server.StatusAssertions.reason;
import static io.dlf.trainer.server.StatusAssertions.violatedFields;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dlf.proto.spec.v1.DlfBackbone;
import io.dlf.proto.spec.v1.ModelSpec;
import io.dlf.proto.trainer.v1.CancelJobRequest;
import io.dlf.proto.trainer.v1.DatasetFiles;
import io.dlf.proto.trainer.v1.DatasetRef;
import io.dlf.proto.trainer.v1.ExportTarget;
import io.dlf.proto.trainer.v1.GetJobRequest;
import io.dlf.proto.trainer.v1.ListJobsRequest;
import io.dlf.proto.trainer.v1.SubmitJobRequest;
import io.dlf.proto.trainer.v1.TrainingSettings;
import io.grpc.Status.Code;
import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every kind of bad request against the trainer's real services, called in process: each gets a
 * status a person can act on, and none leaves anything behind (no job stored, none listed).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SubmissionErrorsTest {
  private Path dir;
  private Path root;
  private Path outside;
  private RunningTrainer trainer;

  @BeforeAll
  void start(@TempDir Path tempDir) throws Exception {
    dir = tempDir;
    root = dir.resolve("data");
    outside = dir.resolve("outside");
    GeneratedData.write(root, "gen", 500);
    GeneratedData.write(outside, "gen", 500);
    Files.createSymbolicLink(root.resolve("link"), outside.resolve("gen"));
    trainer = RunningTrainer.inProcess(RunningTrainer.config(dir.resolve("trainer"), root));
  }

  @AfterAll
  void stop() throws Exception {
    trainer.close();
  }

  @AfterEach
  void nothingWasStored() throws Exception {
    assertTrue(trainer.stub().listJobs(ListJobsRequest.getDefaultInstance()).getJobsList().isEmpty());
    try (var jobs = Files.list(dir.resolve("trainer/jobs"))) {
      assertEquals(0, jobs.count());
    }
  }

  private StatusRuntimeException submit(Code code, UnaryOperator<SubmitJobRequest.Builder> change) {
    SubmitJobRequest request = change.apply(GeneratedData.request("gen", "errors", 1).toBuilder()).build();
    return assertStatus(code, () -> trainer.stub().submitJob(request));
  }

  private static DatasetRef files(UnaryOperator<DatasetFiles.Builder> change) {
    return DatasetRef.newBuilder().setFiles(change.apply(GeneratedData.files("gen").getFiles().toBuilder())).build();
  }

  @Test
  void invalidFieldsComeBackTogetherWithTheirPaths() {
    ModelSpec valid = GeneratedData.spec("errors");
    DlfBackbone dlf = valid.getDlf();
    ModelSpec broken = valid.toBuilder()
        .setEmbedding(valid.getEmbedding().toBuilder().setDim(0))
        .setDlf(dlf.toBuilder().setLayers(0, dlf.getLayers(0).toBuilder()
            .setFusion(dlf.getLayers(0).getFusion().toBuilder().setHeads(0))))
        .build();
    StatusRuntimeException e = submit(Code.INVALID_ARGUMENT, r -> r.setModelSpec(broken)
        .setTraining(r.getTraining().toBuilder().setBatchSize(0))
        .setExport(ExportTarget.newBuilder().setModelName("no/slashes")));
    List<String> fields = violatedFields(e);
    assertTrue(fields.contains("model_spec.embedding.dim"), fields.toString());
    assertTrue(fields.stream().anyMatch(f -> f.startsWith("model_spec.dlf.layers[0].") && f.endsWith(".heads")),
        fields.toString());
    assertTrue(fields.contains("training.batch_size"), fields.toString());
    assertTrue(fields.contains("export.model_name"), fields.toString());
    assertTrue(e.getStatus().getDescription().contains("model_spec.embedding.dim: 0 must be at least 1"),
        e.getStatus().getDescription());
  }

  @Test
  void microBatchesOutOfRangeOrAboveTheBatchSizeAreNamed() {
    StatusRuntimeException tooMany = submit(Code.INVALID_ARGUMENT, r -> r.setTraining(r.getTraining().toBuilder()
        .setMicroBatches(65)));
    assertTrue(tooMany.getStatus().getDescription().contains("training.micro_batches: 65 must be from 1 to 64"),
        tooMany.getStatus().getDescription());
    StatusRuntimeException aboveBatch = submit(Code.INVALID_ARGUMENT, r -> r.setTraining(r.getTraining().toBuilder()
        .setBatchSize(8).setMicroBatches(9)));
    assertTrue(aboveBatch.getStatus().getDescription().contains(
        "training.micro_batches: 9 must be at most batch_size (8)"), aboveBatch.getStatus().getDescription());
    StatusRuntimeException zero = submit(Code.INVALID_ARGUMENT, r -> r.setTraining(r.getTraining().toBuilder()
        .setMicroBatches(0)));
    assertEquals(List.of("training.micro_batches"), violatedFields(zero));
  }

  @Test
  void anEvalBatchSizeOutOfRangeIsNamed() {
    StatusRuntimeException zero = submit(Code.INVALID_ARGUMENT, r -> r.setTraining(r.getTraining().toBuilder()
        .setEvalBatchSize(0)));
    assertEquals(List.of("training.eval_batch_size"), violatedFields(zero));
    assertTrue(zero.getStatus().getDescription().contains("training.eval_batch_size: 0 must be at least 1"),
        zero.getStatus().getDescription());
    StatusRuntimeException huge = submit(Code.INVALID_ARGUMENT, r -> r.setTraining(r.getTraining().toBuilder()
        .setEvalBatchSize(-1))); // 2^32 - 1 as a uint32
    assertTrue(huge.getStatus().getDescription().contains(
        "training.eval_batch_size: 4294967295 must be at most 1,000,000"), huge.getStatus().getDescription());
  }

  @Test
  void anUnknownServingPrecisionIsNamed() {
    StatusRuntimeException e = submit(Code.INVALID_ARGUMENT, r -> r.setExport(ExportTarget.newBuilder()
        .setPrecisionValue(7)));
    assertEquals(List.of("export.precision"), violatedFields(e));
    assertTrue(e.getStatus().getDescription().contains(
        "export.precision: value 7 is not a precision this trainer knows: FLOAT32, BFLOAT16 or INT8"),
        e.getStatus().getDescription());
  }

  @Test
  void aMissingSpecOrDatasetIsNamed() {
    assertEquals(List.of("model_spec"), violatedFields(submit(Code.INVALID_ARGUMENT, SubmitJobRequest.Builder::clearModelSpec)));
    assertEquals(List.of("dataset"), violatedFields(submit(Code.INVALID_ARGUMENT, SubmitJobRequest.Builder::clearDataset)));
  }

  @Test
  void aFeatureTheDatasetLacksIsNamedByItsPath() {
    ModelSpec spec = GeneratedData.spec("errors");
    ModelSpec renamed = spec.toBuilder().setFeatures(1, spec.getFeatures(1).toBuilder().setName("campaign")).build();
    assertEquals(List.of("model_spec.features[1].name"),
        violatedFields(submit(Code.INVALID_ARGUMENT, r -> r.setModelSpec(renamed))));
  }

  @Test
  void unknownDatasetsAndMissingFilesAreNotFound() {
    StatusRuntimeException unknown = submit(Code.NOT_FOUND, r -> r.setDataset(DatasetRef.newBuilder().setName("movielens")));
    assertTrue(unknown.getStatus().getDescription().contains("'movielens'")
        && unknown.getStatus().getDescription().contains("frappe"), unknown.getStatus().getDescription());
    StatusRuntimeException absent = submit(Code.NOT_FOUND, r -> r.setDataset(DatasetRef.newBuilder().setName("criteo-sample")));
    assertTrue(absent.getStatus().getDescription().contains("criteo/train.csv.gz"), absent.getStatus().getDescription());
    StatusRuntimeException file = submit(Code.NOT_FOUND, r -> r.setDataset(files(f -> f.setValidation("gen/valid.tsv"))));
    assertTrue(file.getStatus().getDescription().startsWith("dataset.files.validation: gen/valid.tsv does not exist"),
        file.getStatus().getDescription());
    assertEquals("FILE_NOT_FOUND", reason(file));
  }

  @Test
  void aGeneratedDatasetsRowCountOutOfBoundsIsNamed() {
    for (String name : List.of("synthetic-criteo:9", "synthetic-criteo:1e6",
        "synthetic-frappe:1000")) {
      StatusRuntimeException refused = submit(Code.INVALID_ARGUMENT, r -> r.setDataset(DatasetRef.newBuilder().setName(name)));
      assertEquals(List.of("dataset.name"), violatedFields(refused), name);
    }
    StatusRuntimeException tooMany = submit(Code.INVALID_ARGUMENT,
        r -> r.setDataset(DatasetRef.newBuilder().setName("synthetic-criteo:100000001")));
    assertTrue(tooMany.getStatus().getDescription().contains("from 10 to 100000000"), tooMany.getStatus().getDescription());
    assertTrue(Files.notExists(dir.resolve("trainer/datasets/synthetic-criteo-100000001")), "nothing generated");
  }

  @Test
  void unreadableFilesAreInvalidArgumentsNamingFileAndLine() throws Exception {
    StatusRuntimeException folder = submit(Code.INVALID_ARGUMENT, r -> r.setDataset(files(f -> f.setTest("gen"))));
    assertEquals(List.of("dataset.files.test"), violatedFields(folder));
    assertTrue(folder.getStatus().getDescription().contains("is not a readable file"), folder.getStatus().getDescription());

    Path wrong = root.resolve("wrong");
    GeneratedData.write(root, "wrong", 500);
    GeneratedData.replaceLine(wrong.resolve("train.tsv"), 7, "1\tsite_1\tad_2");
    StatusRuntimeException rows = submit(Code.INVALID_ARGUMENT, r -> r.setDataset(GeneratedData.files("wrong")));
    assertTrue(rows.getStatus().getDescription().contains(wrong.toRealPath().resolve("train.tsv") + ":7: expected 5 "
        + "columns, found 3"), rows.getStatus().getDescription());
  }

  @Test
  void pathsOutsideTheDataRootsAreRefused() throws Exception {
    StatusRuntimeException absolute = submit(Code.PERMISSION_DENIED,
        r -> r.setDataset(files(f -> f.setTrain(outside.resolve("gen/train.tsv").toString()))));
    assertTrue(absolute.getStatus().getDescription().contains("outside the trainer's data roots"),
        absolute.getStatus().getDescription());
    assertEquals("OUTSIDE_DATA_ROOTS", reason(absolute));
    submit(Code.PERMISSION_DENIED, r -> r.setDataset(files(f -> f.setTrain("../outside/gen/train.tsv"))));
    StatusRuntimeException link = submit(Code.PERMISSION_DENIED, r -> r.setDataset(files(f -> f.setTest("link/test.tsv"))));
    assertTrue(link.getStatus().getDescription().contains("symbolic link"), link.getStatus().getDescription());
  }

  @Test
  void aGpuJobOnATrainerWithoutOneIsRefused() {
    StatusRuntimeException e = submit(Code.FAILED_PRECONDITION,
        r -> r.setTraining(r.getTraining().toBuilder().setDevice(TrainingSettings.Device.REQUIRE_GPU)));
    assertEquals("NO_GPU", reason(e));
    assertTrue(e.getStatus().getDescription().contains("PREFER_GPU"), e.getStatus().getDescription());
  }

  @Test
  void unknownJobsAreNotFound() {
    String id = "0b7c1a6e-0000-4000-8000-000000000000";
    assertEquals("JOB_NOT_FOUND", reason(assertStatus(Code.NOT_FOUND,
        () -> trainer.stub().getJob(GetJobRequest.newBuilder().setJobId(id).build()))));
    assertStatus(Code.NOT_FOUND, () -> trainer.stub().cancelJob(CancelJobRequest.newBuilder().setJobId(id).build()));
    assertStatus(Code.NOT_FOUND, () -> trainer.watch(id, Duration.ofSeconds(10)));
    assertStatus(Code.INVALID_ARGUMENT, () -> trainer.stub().getJob(GetJobRequest.getDefaultInstance()));
    assertStatus(Code.INVALID_ARGUMENT,
        () -> trainer.stub().listJobs(ListJobsRequest.newBuilder().setPageToken("not a token").build()));
  }
}
