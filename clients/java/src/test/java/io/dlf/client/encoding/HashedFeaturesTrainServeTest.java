package io.dlf.client.encoding;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dlf.dsl.Presets;
import io.dlf.dsl.spec.Feature;
import io.dlf.dsl.spec.ModelSpec;
import io.dlf.dsl.spec.NumericTransform;
import io.dlf.trainer.data.DatasetSplits;
import io.dlf.trainer.encode.PreparedData;
import io.dlf.trainer.job.TrainingOptions;
import io.dlf.trainer.training.TrainingOutcome;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Train/serve agreement for features without a vocabulary: a model with a hashed categorical, a
 * hashed sequence sharing its buckets and a Criteo-bucketized count (missing, zero, negative and
 * heavy-tailed values), served over gRPC from the raw values, predicts exactly what the trainer
 * computes in process from its own encoding.
 */
@Tag("e2e")
class HashedFeaturesTrainServeTest {
  private static final List<String> COLUMNS = List.of("label", "user", "item", "count", "history");

  @Test
  void servedProbabilitiesEqualTheTrainersOwnForHashedAndBucketizedFeatures(@TempDir Path dir) throws Exception {
    Random random = new Random(22);
    TrainServeAgreement agreement = new TrainServeAgreement(dir, COLUMNS, new DatasetSplits(
        write(dir.resolve("train.tsv"), 3_000, random), write(dir.resolve("valid.tsv"), 400, random),
        write(dir.resolve("test.tsv"), 300, random)));
    List<String[]> testRows = agreement.testRows();
    assertTrue(testRows.stream().filter(r -> r[3].isEmpty()).count() > 20, "too few missing counts");
    assertTrue(testRows.stream().filter(r -> r[3].startsWith("-")).count() > 20, "too few negative counts");

    ModelSpec spec = Presets.dlfPaper(new Presets.Size(8, 1, 4, 2, 16))
        .features(List.of(Feature.categorical("user"), Feature.categorical("item").hashBuckets(1_000),
            Feature.numeric("count").transform(NumericTransform.CRITEO_LOG_SQUARED_BUCKET),
            Feature.sequence("history", 3).vocabularyFrom("item")))
        .build();
    PreparedData data = agreement.prepare(spec);
    assertFalse(data.vocabularies().byFeature().containsKey("item"), "a hashed feature has no vocabulary");
    assertEquals(1_001, data.layout().tableSizes().get("item"));
    TrainingOptions options = TrainingOptions.defaults().maxEpochs(2).batchSize(256).learningRate(3e-3f).seed(22);
    TrainingOutcome outcome = agreement.assertServedAsTrained("hashed", spec, data, options, r -> {
      Map<String, Object> example = new HashMap<>();
      example.put("user", r[1]);
      example.put("item", r[2]);
      example.put("count", r[3].isEmpty() ? null : Float.parseFloat(r[3]));
      example.put("history", r[4]);
      return example;
    });
    assertTrue(outcome.metrics().orElseThrow().getTest().getAuc() > 0.6, outcome.metrics().toString());
  }

  /**
   * Rows whose label depends on the item and on the count's bucket; counts are missing, zero,
   * negative or heavy-tailed; histories hold items of a wider range, most never seen in training.
   */
  private static Path write(Path file, int rows, Random random) throws IOException {
    List<String> lines = new ArrayList<>();
    for (int r = 0; r < rows; r++) {
      int item = random.nextInt(500);
      String count = switch (random.nextInt(6)) {
        case 0 -> "";
        case 1 -> "-" + (1 + random.nextInt(3));
        case 2 -> "0";
        default -> Integer.toString((int) Math.exp(random.nextDouble() * 12));
      };
      StringBuilder history = new StringBuilder();
      for (int t = random.nextInt(5); t > 0; t--) {
        history.append("i").append(random.nextInt(5_000)).append(t > 1 ? "|" : "");
      }
      double logit = (item % 7 < 3 ? 1 : -1) + (count.isEmpty() || count.length() > 3 ? 2.5 : -2.5);
      int label = random.nextDouble() < 1 / (1 + Math.exp(-logit)) ? 1 : 0;
      lines.add(label + "\tu" + random.nextInt(30) + "\ti" + item + "\t" + count + "\t" + history);
    }
    return Files.write(file, lines);
  }
}
