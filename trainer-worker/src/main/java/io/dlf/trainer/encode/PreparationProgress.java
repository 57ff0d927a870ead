package io.dlf.trainer.encode;

/**
 * How far preparing the data has come.
 *
 * @param split "train", "validation" or "test"
 * @param rows rows of the split read so far in this stage
 * @param rowsPerSecond over the stage so far
 * @param bytes bytes written so far, all splits together: of shards, or in {@link Stage#GENERATING} of
 *     the generated files
 */
public record PreparationProgress(Stage stage, String split, long rows, double rowsPerSecond, long bytes) {

  public enum Stage {
    /** Counting the training split's values into vocabularies. */
    VOCABULARIES,
    /** Encoding a split into shards. */
    SHARDS,
    /** Writing a generated dataset's split files, before they are prepared. */
    GENERATING
  }
}
