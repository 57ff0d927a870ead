package io.dlf.trainer.server;

import io.dlf.dsl.Presets;
import io.dlf.dsl.codec.SpecProtos;
import io.dlf.dsl.spec.Feature;
import io.dlf.dsl.spec.NumericTransform;
import io.dlf.proto.trainer.v1.DatasetFiles;
import io.dlf.proto.trainer.v1.DatasetRef;
import io.dlf.proto.trainer.v1.EarlyStopping;
import io.dlf.proto.trainer.v1.ExportTarget;
import io.dlf.proto.trainer.v1.SubmitJobRequest;
import io.dlf.proto.trainer.v1.TrainingSettings;
import io.dlf.trainer.data.DatasetSplits;
import io.dlf.trainer.data.SyntheticDataset;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Small generated datasets in a test's data root, and requests for tiny real DLF models that train on them. */
final class GeneratedData {
  static final List<Feature> FEATURES = List.of(Feature.categorical("site"), Feature.categorical("ad"),
      Feature.categorical("device"), Feature.numeric("count").transform(NumericTransform.LOG1P));
  private static final SyntheticDataset DATASET = new SyntheticDataset(FEATURES, 3);

  private GeneratedData() {}

  /** Writes {@code folder/train.tsv} ({@code trainRows} rows), validation.tsv and test.tsv (a fifth each). */
  static DatasetSplits write(Path root, String folder, int trainRows) throws IOException {
    return DATASET.write(root.resolve(folder), trainRows, trainRows / 5, trainRows / 5);
  }

  /** Replaces line {@code number} (1-based, the header is line 1) of a file. */
  static void replaceLine(Path file, int number, String content) throws IOException {
    List<String> lines = new ArrayList<>(Files.readAllLines(file));
    lines.set(number - 1, content);
    Files.write(file, lines);
  }

  static DatasetRef files(String folder) {
    return DatasetRef.newBuilder().setFiles(DatasetFiles.newBuilder()
        .setFormat(DatasetFiles.Format.TSV)
        .addAllColumns(DATASET.schema().columns())
        .setLabel("label")
        .setHeader(DatasetFiles.Header.PRESENT)
        .setTrain(folder + "/train.tsv")
        .setValidation(folder + "/validation.tsv")
        .setTest(folder + "/test.tsv"))
        .build();
  }

  static io.dlf.proto.spec.v1.ModelSpec spec(String name) {
    return SpecProtos.toProto(Presets.dlfPaper(new Presets.Size(4, 1, 4, 2, 16)).name(name).features(FEATURES).build());
  }

  /** A request for a tiny model on a generated dataset, CPU, batch 250. */
  static SubmitJobRequest request(String folder, String model, int epochs) {
    return request(folder, model, epochs, 250);
  }

  /**
   * {@link #request} in batches of 25: ten times the steps, for a test that must act on the job while
   * it still trains, after events that reach it a heartbeat or two late on a loaded machine.
   */
  static SubmitJobRequest slowRequest(String folder, String model, int epochs) {
    return request(folder, model, epochs, 25);
  }

  private static SubmitJobRequest request(String folder, String model, int epochs, int batchSize) {
    return SubmitJobRequest.newBuilder()
        .setModelSpec(spec(model))
        .setDataset(files(folder))
        .setTraining(TrainingSettings.newBuilder()
            .setMaxEpochs(epochs)
            .setBatchSize(batchSize)
            .setLearningRate(0.003f)
            .setEarlyStopping(EarlyStopping.newBuilder().setPatience(epochs))
            .setSeed(1)
            .setDevice(TrainingSettings.Device.CPU))
        .setExport(ExportTarget.newBuilder().setModelName(model))
        .build();
  }
}
