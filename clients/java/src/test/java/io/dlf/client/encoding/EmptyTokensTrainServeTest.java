package io.dlf.client.encoding;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dlf.dsl.Presets;
import io.dlf.dsl.spec.Feature;
import io.dlf.dsl.spec.ModelSpec;
import io.dlf.trainer.data.DatasetSplits;
import io.dlf.trainer.job.TrainingOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Train/serve skew on sequence values: a model trained on cells with empty tokens ({@code a||b}),
 * leading and trailing separators gives, served over gRPC from the same raw cells, exactly the
 * probabilities the trainer computes in process from its own encoding of them.
 */
@Tag("e2e")
class EmptyTokensTrainServeTest {
  private static final List<String> COLUMNS = List.of("label", "user", "history");
  private static final int MAX_LENGTH = 3;

  @Test
  void servedProbabilitiesEqualTheTrainersOwnOnCellsWithEmptyTokens(@TempDir Path dir) throws Exception {
    Random random = new Random(18);
    TrainServeAgreement agreement = new TrainServeAgreement(dir, COLUMNS, new DatasetSplits(
        write(dir.resolve("train.tsv"), 3_000, random), write(dir.resolve("valid.tsv"), 400, random),
        write(dir.resolve("test.tsv"), 300, random)));
    List<String[]> testRows = agreement.testRows();
    assertTrue(testRows.stream().filter(r -> r[2].contains("||")).count() > 30, "too few cells with an empty token");
    assertTrue(testRows.stream().filter(r -> r[2].endsWith("|")).count() > 30, "too few cells with a trailing separator");

    ModelSpec spec = Presets.dlfPaper(new Presets.Size(8, 1, 4, 2, 16))
        .features(List.of(Feature.categorical("user"), Feature.sequence("history", MAX_LENGTH)))
        .build();
    TrainingOptions options = TrainingOptions.defaults().maxEpochs(2).batchSize(256).learningRate(3e-3f).seed(18);
    // the history goes as the raw cell, separators and all: the server splits it
    agreement.assertServedAsTrained("skew", spec, agreement.prepare(spec), options,
        r -> Map.of("user", r[1], "history", r[2]));
  }

  /**
   * Rows whose label depends on the two most recent items of the history, written with empty
   * tokens between items, and separators before and after, as logs often have them.
   */
  private static Path write(Path file, int rows, Random random) throws IOException {
    List<String> lines = new ArrayList<>();
    for (int r = 0; r < rows; r++) {
      int length = random.nextInt(6);
      List<Integer> items = new ArrayList<>();
      StringBuilder cell = new StringBuilder(random.nextInt(5) == 0 ? "|" : "");
      for (int t = 0; t < length; t++) {
        int item = random.nextInt(12);
        items.add(item);
        cell.append("i").append(item).append(t < length - 1 ? (random.nextInt(3) == 0 ? "||" : "|") : "");
      }
      if (length > 0 && random.nextInt(3) == 0) {
        cell.append('|');
      }
      long recentHot = items.subList(Math.max(0, length - 2), length).stream().filter(i -> i < 4).count();
      double p = 1 / (1 + Math.exp(1.5 - 1.5 * recentHot));
      int label = random.nextDouble() < p ? 1 : 0;
      lines.add(label + "\tu" + random.nextInt(20) + "\t" + cell);
    }
    return Files.write(file, lines);
  }
}
