package io.dlf.trainer.encode;

/**
 * How far preparing the data has come.
 *
 * @param split "train", "validation" or "test"
 * @param rows rows of the split read so far in this stage
 * @param rowsPerSecond over the stage so far
 * @param shardBytes bytes of shards written so far, all splits together
 */
public record PreparationProgress(Stage stage, String split, long rows, double rowsPerSecond, long shardBytes) {

  public enum Stage {
    /** Counting the training split's values into vocabularies. */
    VOCABULARIES,
    /** Encoding a split into shards. */
    SHARDS
  }
}
