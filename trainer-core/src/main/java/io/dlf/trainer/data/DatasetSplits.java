package io.dlf.trainer.data;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.List;

/** The files of a dataset's three splits. */
public record DatasetSplits(Path train, Path validation, Path test) {

  public DatasetSplits {
    requireNonNull(train, "train is null");
    requireNonNull(validation, "validation is null");
    requireNonNull(test, "test is null");
  }

  /** {@code train}, {@code validation} and {@code test} with this extension (such as {@code .tsv}) in {@code dir}. */
  public static DatasetSplits in(Path dir, String extension) {
    return new DatasetSplits(dir.resolve("train" + extension), dir.resolve("validation" + extension),
        dir.resolve("test" + extension));
  }

  public List<Path> all() {
    return List.of(train, validation, test);
  }
}
