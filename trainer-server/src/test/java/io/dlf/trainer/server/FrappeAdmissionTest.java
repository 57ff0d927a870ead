package io.dlf.trainer.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.management.OperatingSystemMXBean;
import io.dlf.dsl.Presets;
import io.dlf.dsl.codec.SpecProtos;
import io.dlf.dsl.testing.RequiresDataset;
import io.dlf.dsl.testing.TestData;
import io.dlf.proto.spec.v1.ModelSpec;
import io.dlf.proto.trainer.v1.CancelJobRequest;
import io.dlf.proto.trainer.v1.DatasetRef;
import io.dlf.proto.trainer.v1.Job;
import io.dlf.proto.trainer.v1.JobState;
import io.dlf.proto.trainer.v1.SubmitJobRequest;
import io.dlf.proto.trainer.v1.TrainingSettings;
import io.dlf.trainer.data.DatasetCatalog;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The quickstart's own job on Frappe passes admission under the default per-job memory limit. */
@RequiresDataset("frappe")
class FrappeAdmissionTest {
  private static final Duration LONG = Duration.ofMinutes(3);

  @TempDir
  Path dir;

  @Test
  void theQuickstartSpecIsAdmittedOnFrappe() throws Exception {
    // one CPU slot: the derived limit is the physical memory less 2 GiB for the trainer
    long physical = ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getTotalMemorySize();
    assumeTrue(physical >= 8L << 30, "the quickstart's estimate on Frappe (5.1 GiB) needs a machine of 8 GiB; this "
        + "one has " + physical + " bytes");
    TrainerServerConfig config = RunningTrainer.config(dir.resolve("trainer"), TestData.root());
    try (RunningTrainer trainer = RunningTrainer.start(config)) {
      // dlfctl quickstart's defaults: dlf-paper 16,2,8,4,64, batch 4096
      ModelSpec quickstart = SpecProtos.toProto(Presets.dlfPaper(new Presets.Size(16, 2, 8, 4, 64)).name("dlf-quickstart")
          .features(DatasetCatalog.get(DatasetCatalog.FRAPPE).features()).build());
      Job job = trainer.stub().submitJob(SubmitJobRequest.newBuilder().setModelSpec(quickstart)
          .setDataset(DatasetRef.newBuilder().setName(DatasetCatalog.FRAPPE))
          .setTraining(TrainingSettings.newBuilder().setMaxEpochs(3).setBatchSize(4096)
              .setDevice(TrainingSettings.Device.CPU)).build());
      assertEquals(JobState.QUEUED, job.getState());
      trainer.stub().cancelJob(CancelJobRequest.newBuilder().setJobId(job.getId()).build());
      trainer.awaitEnd(job.getId(), LONG);
    }
  }
}
