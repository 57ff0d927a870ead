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

  /** Writes splits of the given sizes into {@code dir}, telling the listener of each row. */
  DatasetSplits write(Path dir, int trainRows, int validationRows, int testRows, GenerationListener listener)
      throws IOException;

  /** Writes splits of the given sizes into {@code dir}. */
  default DatasetSplits write(Path dir, int trainRows, int validationRows, int testRows) throws IOException {
    return write(dir, trainRows, validationRows, testRows, GenerationListener.NONE);
  }

  /**
   * The most bytes a row of {@link #write}'s files takes, its line end included; a header line is
   * no longer. Admission bounds a dataset's text by it before the files exist.
   */
  long maxRowBytes();

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
      long seed, RowSource rows, GenerationListener listener) throws IOException {
    Files.createDirectories(dir);
    DatasetSplits splits = DatasetSplits.in(dir, ".tsv");
    int[] counts = {trainRows, validationRows, testRows};
    for (int i = 0; i < counts.length; i++) {
      listener.splitStarted(DatasetSplits.NAMES.get(i), splits.all().get(i));
      writeTsv(splits.all().get(i), schema, counts[i], new Random(seed + 1 + i), rows, listener);
      listener.splitFinished();
    }
    return splits;
  }

  private static void writeTsv(Path file, DatasetSchema schema, int count, Random random, RowSource rows,
      GenerationListener listener) throws IOException {
    try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      out.write(String.join("\t", schema.columns()));
      out.newLine();
      for (int r = 0; r < count; r++) {
        out.append(rows.row(random));
        out.newLine();
        listener.row();
      }
    }
  }
}
