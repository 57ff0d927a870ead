package io.dlf.trainer.server.submit;

import static java.util.Objects.requireNonNull;

import io.dlf.trainer.data.BadRows;
import io.dlf.trainer.data.DatasetSchema;
import io.dlf.trainer.data.DatasetSplits;
import java.util.Optional;

/**
 * A dataset reference turned into files the trainer may read, and how to read them.
 *
 * @param generated the name of the generated dataset whose files these are: the job's worker writes
 *     them, so they may not exist yet
 */
public record ResolvedDataset(DatasetSchema schema, DatasetSplits splits, BadRows badRows, Optional<String> generated) {

  public ResolvedDataset {
    requireNonNull(schema, "schema is null");
    requireNonNull(splits, "splits is null");
    requireNonNull(badRows, "badRows is null");
    requireNonNull(generated, "generated is null");
  }

  /** Files that exist when the job is submitted. */
  public ResolvedDataset(DatasetSchema schema, DatasetSplits splits, BadRows badRows) {
    this(schema, splits, badRows, Optional.empty());
  }
}
