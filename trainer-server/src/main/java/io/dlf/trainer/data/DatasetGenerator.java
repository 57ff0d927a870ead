package io.dlf.trainer.data;

import java.io.IOException;
import java.nio.file.Path;

/** Writes a labelled dataset of known schema and signal: train, validation and test files. */
public interface DatasetGenerator {

  /** The schema of the files {@link #write} produces. */
  DatasetSchema schema();

  /** Writes splits of the given sizes into {@code dir}. */
  DatasetSplits write(Path dir, int trainRows, int validationRows, int testRows) throws IOException;
}
