package io.dlf.trainer.data;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/** Writes a labelled dataset of known schema and signal: train, validation and test files. */
public interface DatasetGenerator {

  /** The schema of the files {@link #write} produces. */
  DatasetSchema schema();

  /** Writes splits of the given sizes into {@code dir}. */
  DatasetSplits write(Path dir, int trainRows, int validationRows, int testRows) throws IOException;

  /** Draws one tab-separated row (label first, no line end) from the split's generator. */
  @FunctionalInterface
  interface RowSource {
    CharSequence row(Random random);
  }

  /**
   * Writes {@code train.tsv}, {@code validation.tsv} and {@code test.tsv} into {@code dir}, each with
   * the schema's header, their rows drawn from generators seeded {@code seed + 1}, {@code + 2} and
   * {@code + 3} so that the splits are independent draws.
   */
  static DatasetSplits writeTsvSplits(Path dir, DatasetSchema schema, int trainRows, int validationRows, int testRows,
      long seed, RowSource rows) throws IOException {
    Files.createDirectories(dir);
    DatasetSplits splits = DatasetSplits.in(dir, ".tsv");
    writeTsv(splits.train(), schema, trainRows, new Random(seed + 1), rows);
    writeTsv(splits.validation(), schema, validationRows, new Random(seed + 2), rows);
    writeTsv(splits.test(), schema, testRows, new Random(seed + 3), rows);
    return splits;
  }

  private static void writeTsv(Path file, DatasetSchema schema, int count, Random random, RowSource rows)
      throws IOException {
    try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      out.write(String.join("\t", schema.columns()));
      out.newLine();
      for (int r = 0; r < count; r++) {
        out.append(rows.row(random));
        out.newLine();
      }
    }
  }
}
