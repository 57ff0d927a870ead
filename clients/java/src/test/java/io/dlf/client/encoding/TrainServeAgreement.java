package io.dlf.client.encoding;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.dlf.client.ModelRef;
import io.dlf.client.PredictionClient;
import io.dlf.dsl.compile.SessionConfigs;
import io.dlf.dsl.export.ModelExporter;
import io.dlf.dsl.repository.ModelRepository;
import io.dlf.dsl.spec.ModelSpec;
import io.dlf.serving.ServingConfig;
import io.dlf.serving.ServingServer;
import io.dlf.trainer.data.BadRows;
import io.dlf.trainer.data.DataFormat;
import io.dlf.trainer.data.DatasetSchema;
import io.dlf.trainer.data.DatasetSplits;
import io.dlf.trainer.data.HeaderMode;
import io.dlf.trainer.encode.DataPreparation;
import io.dlf.trainer.encode.PreparedData;
import io.dlf.trainer.job.TrainingOptions;
import io.dlf.trainer.training.StopSignal;
import io.dlf.trainer.training.Trainer;
import io.dlf.trainer.training.TrainingListener;
import io.dlf.trainer.training.TrainingOutcome;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.tensorflow.proto.ConfigProto;

/**
 * The check both train/serve tests make: a model trained in process on headerless TSV splits,
 * exported and served over gRPC, predicts from the raw test rows exactly what the trainer computes
 * from its own encoding of them.
 */
final class TrainServeAgreement {
  private static final ConfigProto CONFIG = SessionConfigs.threads(2, 2);

  private final Path dir;
  private final List<String> columns;
  private final DatasetSplits splits;

  TrainServeAgreement(Path dir, List<String> columns, DatasetSplits splits) {
    this.dir = dir;
    this.columns = columns;
    this.splits = splits;
  }

  /** The test split's rows, cells split on tabs (empty cells kept). */
  List<String[]> testRows() throws IOException {
    return Files.readAllLines(splits.test()).stream().map(line -> line.split("\t", -1)).toList();
  }

  PreparedData prepare(ModelSpec spec) {
    return DataPreparation.prepare(spec, DatasetSchema.delimited(DataFormat.TSV, columns, "label", HeaderMode.NONE),
        splits, BadRows.FAIL);
  }

  /**
   * Trains {@code spec} on {@code data}, serves its best checkpoint as model {@code name} and asserts
   * that each test row, sent as {@code example} makes it, is served the in-process probability.
   */
  TrainingOutcome assertServedAsTrained(String name, ModelSpec spec, PreparedData data, TrainingOptions options,
      Function<String[], Map<String, ?>> example) throws Exception {
    Trainer trainer = new Trainer(CONFIG);
    TrainingOutcome outcome = trainer.train(spec, data, options, dir.resolve("work"), TrainingListener.NONE,
        StopSignal.NEVER);
    float[] inProcess = trainer.predict(spec, data, data.test(), outcome.bestCheckpoint(), options);

    Path models = dir.resolve("models");
    new ModelExporter(new ModelRepository(models), CONFIG).export(new ModelExporter.Request(name, spec,
        data.vocabularies(), outcome.bestCheckpoint(), outcome.metrics().orElseThrow(), "", options.seed()));
    ServingServer server = ServingServer.create(ServingConfig.local(models));
    server.start();
    try (PredictionClient client = PredictionClient.builder().target("127.0.0.1:" + server.port()).build()) {
      List<Map<String, ?>> examples = testRows().stream().<Map<String, ?>>map(example).toList();
      List<Float> served = client.predict(ModelRef.latest(name), examples).probabilities();
      assertEquals(inProcess.length, served.size());
      float[] servedArray = new float[served.size()];
      for (int i = 0; i < servedArray.length; i++) {
        servedArray[i] = served.get(i);
      }
      assertArrayEquals(inProcess, servedArray, 1e-5f);
    } finally {
      server.stop();
    }
    return outcome;
  }
}
