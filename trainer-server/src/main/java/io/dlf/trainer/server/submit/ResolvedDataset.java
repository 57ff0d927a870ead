package io.dlf.trainer.server.submit;

import static java.util.Objects.requireNonNull;

import io.dlf.trainer.data.BadRows;
import io.dlf.trainer.data.DatasetSchema;
import io.dlf.trainer.data.DatasetSplits;

/** A dataset reference turned into files the trainer may read, and how to read them. */
public record ResolvedDataset(DatasetSchema schema, DatasetSplits splits, BadRows badRows) {

  public ResolvedDataset {
    requireNonNull(schema, "schema is null");
    requireNonNull(splits, "splits is null");
    requireNonNull(badRows, "badRows is null");
  }
}
