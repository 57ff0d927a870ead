package io.dlf.trainer.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dlf.dsl.Presets;
import io.dlf.dsl.codec.SpecProtos;
import io.dlf.dsl.spec.Feature;
import io.dlf.proto.trainer.v1.DatasetRef;
import io.dlf.proto.trainer.v1.Job;
import io.dlf.proto.trainer.v1.JobState;
import io.dlf.proto.trainer.v1.SubmitJobRequest;
import io.dlf.proto.trainer.v1.TrainingSettings;
import io.dlf.trainer.data.DatasetCatalog;
import io.dlf.trainer.data.GeneratedDatasets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code synthetic-frappe}, for a machine without data: a job names it like any registered dataset,
 * the trainer writes it once into its own folder (no data root holds it) and trains on it.
 */
class GeneratedDatasetJobTest {

  @Test
  @Tag("e2e")
  void aJobTrainsOnTheGeneratedFrappeLikeDataset(@TempDir Path dir) throws Exception {
    Path emptyRoot = Files.createDirectories(dir.resolve("no-data"));
    try (RunningTrainer trainer = RunningTrainer.start(RunningTrainer.config(dir.resolve("trainer"), emptyRoot))) {
      Job job = trainer.stub().submitJob(SubmitJobRequest.newBuilder()
          .setModelSpec(SpecProtos.toProto(Presets.dlfPaper(new Presets.Size(4, 1, 4, 2, 16)).name("synthetic")
              .features(DatasetCatalog.FRAPPE_FIELDS.stream().map(Feature::categorical).toList()).build()))
          .setDataset(DatasetRef.newBuilder().setName(GeneratedDatasets.SYNTHETIC_FRAPPE))
          .setTraining(TrainingSettings.newBuilder().setMaxEpochs(1).setBatchSize(4096).setSeed(1)
              .setDevice(TrainingSettings.Device.CPU))
          .build());
      Path files = dir.resolve("trainer/datasets/synthetic-frappe");
      assertTrue(Files.isRegularFile(files.resolve("test.tsv")), "generated at submission");
      assertEquals(20_001, Files.readAllLines(files.resolve("test.tsv")).size(), "a header and 20,000 rows");
      assertEquals("label\tuser\titem\tdaytime\tweekday\tisweekend\thomework\tcost\tweather\tcountry\tcity",
          Files.readAllLines(files.resolve("train.tsv")).get(0));

      Job ended = trainer.awaitEnd(job.getId(), Duration.ofMinutes(3));
      assertEquals(JobState.SUCCEEDED, ended.getState(), ended.toString());
      // The generator's signal is learnable: clearly better than chance after one epoch.
      assertTrue(ended.getMetrics().getTest().getAuc() > 0.6, ended.getMetrics().toString());
    }
  }

  @Test
  void theFilesAreWrittenOnceAndReused(@TempDir Path dir) throws Exception {
    GeneratedDatasets datasets = new GeneratedDatasets(dir);
    Path train = datasets.splits(GeneratedDatasets.SYNTHETIC_FRAPPE).train();
    long written = Files.getLastModifiedTime(train).toMillis();
    Files.setLastModifiedTime(train, java.nio.file.attribute.FileTime.fromMillis(written - 60_000));
    assertEquals(train, datasets.splits("Synthetic-Frappe").train());
    assertEquals(written - 60_000, Files.getLastModifiedTime(train).toMillis(), "not written again");
    assertEquals(List.of(dir.resolve("synthetic-frappe")), Files.list(dir).toList(), "no temporary folder left");
  }
}
