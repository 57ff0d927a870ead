package io.dlf.trainer.server;

import static io.dlf.trainer.server.StatusAssertions.assertStatus;
import static io.dlf.trainer.server.StatusAssertions.violatedFields;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dlf.dsl.Presets;
import io.dlf.dsl.codec.SpecProtos;
import io.dlf.proto.spec.v1.DlfLayer;
import io.dlf.proto.spec.v1.FmBlock;
import io.dlf.proto.spec.v1.ModelSpec;
import io.dlf.proto.trainer.v1.CancelJobRequest;
import io.dlf.proto.trainer.v1.DatasetRef;
import io.dlf.proto.trainer.v1.GetJobRequest;
import io.dlf.proto.trainer.v1.Job;
import io.dlf.proto.trainer.v1.JobFailure;
import io.dlf.proto.trainer.v1.JobState;
import io.dlf.proto.trainer.v1.ListJobsRequest;
import io.dlf.proto.trainer.v1.StateTransition;
import io.dlf.proto.trainer.v1.SubmitJobRequest;
import io.dlf.proto.trainer.v1.TrainingSettings;
import io.dlf.trainer.data.DatasetCatalog;
import io.dlf.trainer.server.store.FileJobStore;
import io.grpc.Status.Code;
import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Admission at submission against a real trainer on a loopback port: sizes beyond their documented
 * maxima and jobs whose memory estimate exceeds the per-job limit are refused with the field that
 * drives them, and nothing is stored; the usual specs are admitted; a stored job that no longer
 * fits fails with the reason when the trainer takes it back, instead of running.
 */
@Tag("e2e")
class AdmissionTest {
  private static final Duration LONG = Duration.ofMinutes(3);
  private static final long SMALL_LIMIT = 64L << 20;

  @TempDir
  Path dir;

  private Path root() throws Exception {
    Path root = dir.resolve("data");
    if (!Files.isDirectory(root)) {
      GeneratedData.write(root, "gen", 500);
    }
    return root;
  }

  private RunningTrainer start(long jobMemoryLimit) throws Exception {
    return RunningTrainer.start(RunningTrainer.config(dir.resolve("trainer"), root()).withJobMemoryLimit(jobMemoryLimit));
  }

  private static SubmitJobRequest request(UnaryOperator<SubmitJobRequest.Builder> change) {
    return change.apply(GeneratedData.request("gen", "admission", 1).toBuilder()).build();
  }

  private static SubmitJobRequest layer(UnaryOperator<DlfLayer.Builder> change) {
    ModelSpec spec = GeneratedData.spec("admission");
    return request(r -> r.setModelSpec(spec.toBuilder().setDlf(spec.getDlf().toBuilder()
        .setLayers(0, change.apply(spec.getDlf().getLayers(0).toBuilder())))));
  }

  private static FmBlock.Builder block(FmBlock block, UnaryOperator<FmBlock.Builder> change) {
    return change.apply(block.toBuilder());
  }

  /** Refused with INVALID_ARGUMENT naming {@code field}, with a message small enough for any client. */
  private static StatusRuntimeException refused(RunningTrainer trainer, SubmitJobRequest request, String field) {
    StatusRuntimeException e = assertStatus(Code.INVALID_ARGUMENT, () -> trainer.stub().submitJob(request));
    assertTrue(violatedFields(e).contains(field), field + " in " + violatedFields(e));
    assertTrue(e.getStatus().getDescription().length() < 2_000, e.getStatus().getDescription());
    return e;
  }

  private void assertNothingStored(RunningTrainer trainer) throws Exception {
    assertTrue(trainer.stub().listJobs(ListJobsRequest.getDefaultInstance()).getJobsList().isEmpty());
    try (var jobs = Files.list(dir.resolve("trainer/jobs"))) {
      assertEquals(0, jobs.count());
    }
  }

  @Test
  void sizesBeyondTheirMaximumAreRefusedWithTheirPathAndNothingIsStored() throws Exception {
    try (RunningTrainer trainer = start(0)) {
      String layer = "model_spec.dlf.layers[0].";
      refused(trainer, layer(l -> l.setLowRank(block(l.getLowRank(), b -> b.setTokens(2_000_000)))),
          layer + "low_rank.tokens");
      StatusRuntimeException batch = refused(trainer, request(r -> r.setTraining(r.getTraining().toBuilder()
          .setBatchSize(Integer.MAX_VALUE))), "training.batch_size");
      assertTrue(batch.getStatus().getDescription().contains("2147483647 must be at most 1,000,000"),
          batch.getStatus().getDescription());
      refused(trainer, request(r -> r.setTraining(r.getTraining().toBuilder().setBatchSize(-1))),
          "training.batch_size"); // 2^32 - 1 as a uint32
      ModelSpec spec = GeneratedData.spec("admission");
      StatusRuntimeException dim = refused(trainer, request(r -> r.setModelSpec(spec.toBuilder()
          .setEmbedding(spec.getEmbedding().toBuilder().setDim(1_000_000_000)))), "model_spec.embedding.dim");
      assertTrue(dim.getStatus().getDescription().contains("1000000000 must be at most 1,024"),
          dim.getStatus().getDescription());
      refused(trainer, layer(l -> l.setHighRank(block(l.getHighRank(), b -> b.setTokens(Integer.MAX_VALUE)))),
          layer + "high_rank.tokens");
      refused(trainer, layer(l -> l.setLowRank(block(l.getLowRank(), b -> b.setRank(Integer.MAX_VALUE)))),
          layer + "low_rank.rank");
      refused(trainer, layer(l -> l.setHighRank(block(l.getHighRank(),
          b -> b.setMlp(b.getMlp().toBuilder().setHidden(0, Integer.MAX_VALUE))))), layer + "high_rank.mlp.hidden[0]");
      StatusRuntimeException id = refused(trainer, request(r -> r.setRequestId("x".repeat(1 << 20))), "request_id");
      assertTrue(id.getStatus().getDescription().contains("(1,048,576 characters) must be at most 128 characters"),
          id.getStatus().getDescription());
      refused(trainer, request(r -> r.setRequestId("has spaces")), "request_id");
      refused(trainer, request(r -> r.setDataset(GeneratedData.files("gen").toBuilder().setFiles(
          GeneratedData.files("gen").getFiles().toBuilder().setTrain("a/".repeat(600))))), "dataset.files.train");
      assertNothingStored(trainer);
    }
  }

  @Test
  void aJobBeyondThePerJobMemoryLimitIsRefusedNamingWhatDrivesIt() throws Exception {
    try (RunningTrainer trainer = start(SMALL_LIMIT)) {
      StatusRuntimeException batch = refused(trainer, request(r -> r.setTraining(r.getTraining().toBuilder()
          .setBatchSize(1_000_000))), "training.batch_size");
      String description = batch.getStatus().getDescription();
      assertTrue(description.contains("per-job memory limit of 64.0 MiB (67,108,864 bytes, --job-memory-limit)"),
          description);
      assertTrue(description.matches(".*the job needs an estimated [0-9.]+ GiB \\([0-9,]+ bytes: .*"), description);
      assertTrue(description.contains("training.batch_size drives") && description.contains(
          "lower it or raise training.micro_batches (now 1)"), description);
      // two hidden layers of 16,384: 268M parameters between them, each size within its maximum
      SubmitJobRequest wide = layer(l -> l.setLowRank(block(l.getLowRank(),
          b -> b.setMlp(b.getMlp().toBuilder().clearHidden().addHidden(16_384).addHidden(16_384)))));
      refused(trainer, wide.toBuilder().setTraining(wide.getTraining().toBuilder().setBatchSize(1)).build(),
          "model_spec.dlf.layers[0].low_rank.mlp.hidden[0]");
      assertNothingStored(trainer);

      // the same batch in 64 parts holds one part's activations, 250 rows: the usual request's
      SubmitJobRequest parts = request(r -> r.setTraining(r.getTraining().toBuilder().setBatchSize(16_000)
          .setMicroBatches(64)));
      refused(trainer, parts.toBuilder().setTraining(parts.getTraining().toBuilder().setMicroBatches(1)).build(),
          "training.batch_size");
      Job inParts = trainer.stub().submitJob(parts);
      trainer.stub().cancelJob(CancelJobRequest.newBuilder().setJobId(inParts.getId()).build());
      trainer.awaitEnd(inParts.getId(), LONG);

      // the tests' usual request fits even this small limit
      Job job = trainer.stub().submitJob(request(r -> r));
      assertEquals(JobState.QUEUED, job.getState());
      trainer.stub().cancelJob(CancelJobRequest.newBuilder().setJobId(job.getId()).build());
      trainer.awaitEnd(job.getId(), LONG);
    }
  }

  @Test
  void aLargeGeneratedDatasetIsRefusedFromItsRowsWithoutBeingWritten() throws Exception {
    try (RunningTrainer trainer = start(0)) {
      ModelSpec criteo = SpecProtos.toProto(Presets.dlfPaper(new Presets.Size(8, 2, 8, 4, 64)).name("admission")
          .features(DatasetCatalog.get(DatasetCatalog.CRITEO_SAMPLE).features()).build());
      StatusRuntimeException refused = refused(trainer, request(r -> r.setModelSpec(criteo)
          .setDataset(DatasetRef.newBuilder().setName("synthetic-criteo:100000000"))), "dataset");
      assertTrue(refused.getStatus().getDescription().contains("its rows and vocabularies (bounded from the generated "
          + "dataset's rows) drive"), refused.getStatus().getDescription());
      assertNothingStored(trainer);
      assertTrue(Files.notExists(dir.resolve("trainer/datasets/synthetic-criteo-100000000")), "nothing generated");
    }
  }

  @Test
  void aStoredJobThatNoLongerFitsFailsWithTheReasonInsteadOfRunning() throws Exception {
    // What an older trainer admitted: a job that was running when it stopped, at a batch size this
    // trainer's limit cannot hold.
    SubmitJobRequest request = request(r -> r.setTraining(r.getTraining().toBuilder().setBatchSize(500_000)));
    Job stored = Job.newBuilder().setId("0b7c1a6e-0000-4000-8000-000000000001").setState(JobState.RUNNING)
        .setRequest(request).setModelName("admission").setAttempts(1)
        .addTransitions(StateTransition.newBuilder().setState(JobState.QUEUED))
        .addTransitions(StateTransition.newBuilder().setState(JobState.RUNNING))
        .build();
    root();
    try (FileJobStore store = FileJobStore.open(dir.resolve("trainer"))) {
      store.save(stored);
    }
    Job failed;
    try (RunningTrainer trainer = start(SMALL_LIMIT)) {
      failed = trainer.awaitEnd(stored.getId(), LONG);
      assertEquals(JobState.FAILED, failed.getState(), failed.toString());
      JobFailure failure = failed.getFailure();
      assertEquals(JobFailure.Kind.INVALID_REQUEST, failure.getKind());
      assertTrue(failure.getMessage().contains("training.batch_size: the job needs an estimated"), failure.getMessage());
      assertTrue(failure.getMessage().contains("per-job memory limit of 64.0 MiB"), failure.getMessage());
    }
    try (RunningTrainer trainer = start(SMALL_LIMIT)) {
      Job again = trainer.stub().getJob(GetJobRequest.newBuilder().setJobId(stored.getId()).build());
      assertEquals(failed, again, "a failed job is not taken back again");
    }
  }

  @Test
  void listingAndLookupsBoundWhatTheyRead() throws Exception {
    try (RunningTrainer trainer = start(0)) {
      assertTrue(trainer.stub().listJobs(ListJobsRequest.newBuilder().setPageSize(-1).build()).getJobsList().isEmpty(),
          "a page size of 2^32 - 1 is the largest page");
      assertEquals(List.of("page_token"), violatedFields(assertStatus(Code.INVALID_ARGUMENT,
          () -> trainer.stub().listJobs(ListJobsRequest.newBuilder().setPageToken("t".repeat(1 << 20)).build()))));
      StatusRuntimeException id = assertStatus(Code.INVALID_ARGUMENT,
          () -> trainer.stub().getJob(GetJobRequest.newBuilder().setJobId("j".repeat(1 << 20)).build()));
      assertTrue(id.getStatus().getDescription().length() < 500, id.getStatus().getDescription());
    }
  }
}
