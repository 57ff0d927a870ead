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

  public List<Path> all() {
    return List.of(train, validation, test);
  }
}
