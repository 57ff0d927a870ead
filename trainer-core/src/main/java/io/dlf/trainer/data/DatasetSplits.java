package io.dlf.trainer.data;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.List;

/** The files of a dataset's three splits. */
public record DatasetSplits(Path train, Path validation, Path test) {
  /** The splits' names, in the order of {@link #all}. */
  public static final List<String> NAMES = List.of("train", "validation", "test");

  public DatasetSplits {
    requireNonNull(train, "train is null");
    requireNonNull(validation, "validation is null");
    requireNonNull(test, "test is null");
  }

  /** {@code train}, {@code validation} and {@code test} with this extension (such as {@code .tsv}) in {@code dir}. */
  public static DatasetSplits in(Path dir, String extension) {
    return new DatasetSplits(dir.resolve(NAMES.get(0) + extension), dir.resolve(NAMES.get(1) + extension),
        dir.resolve(NAMES.get(2) + extension));
  }

  public List<Path> all() {
    return List.of(train, validation, test);
  }
}
