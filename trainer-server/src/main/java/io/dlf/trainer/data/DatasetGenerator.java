package io.dlf.trainer.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes a labelled dataset of known schema and signal: train, validation and test files. */
public interface DatasetGenerator {

  /** The schema of the files {@link #write} produces. */
  DatasetSchema schema();

  /** Writes splits of the given sizes into {@code dir}. */
  DatasetSplits write(Path dir, int trainRows, int validationRows, int testRows) throws IOException;

  /** Writes one split file of {@code rows} rows, drawn from a generator seeded with {@code seed}. */
  @FunctionalInterface
  interface SplitWriter {
    void write(Path file, int rows, long seed) throws IOException;
  }

  /**
   * Writes {@code train.tsv}, {@code validation.tsv} and {@code test.tsv} into {@code dir}, seeded
   * {@code seed + 1}, {@code + 2} and {@code + 3} so that the splits are independent draws.
   */
  static DatasetSplits writeTsvSplits(Path dir, int trainRows, int validationRows, int testRows, long seed,
      SplitWriter writer) throws IOException {
    Files.createDirectories(dir);
    DatasetSplits splits = new DatasetSplits(dir.resolve("train.tsv"), dir.resolve("validation.tsv"),
        dir.resolve("test.tsv"));
    writer.write(splits.train(), trainRows, seed + 1);
    writer.write(splits.validation(), validationRows, seed + 2);
    writer.write(splits.test(), testRows, seed + 3);
    return splits;
  }
}
