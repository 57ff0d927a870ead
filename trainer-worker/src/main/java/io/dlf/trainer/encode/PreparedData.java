package io.dlf.trainer.encode;

import io.dlf.dsl.compile.FieldLayout;
import io.dlf.dsl.encode.Vocabularies;
import io.dlf.trainer.data.BadRows;

/** Vocabularies built from the training split and all three splits encoded with them. */
public record PreparedData(
    Vocabularies vocabularies, FieldLayout layout, EncodedSplit train, EncodedSplit validation, EncodedSplit test) {

  /** Rows skipped as unparsable over all splits (only with {@link BadRows#SKIP}). */
  public long skippedRows() {
    return train.report().skipped() + validation.report().skipped() + test.report().skipped();
  }
}
