package io.dlf.trainer.data;

/**
 * One parsed row, in the order of the reader's features. The reader reuses one instance for every
 * row of a file: copy what you keep.
 */
public final class ParsedRow {
  final String[] tokens;
  final float[] numbers;
  float label;
  long line;

  ParsedRow(int features) {
    this.tokens = new String[features];
    this.numbers = new float[features];
  }

  /** Feature i's raw token (categorical or sequence features). */
  public String token(int feature) {
    return tokens[feature];
  }

  /** Feature i's value (numeric features), NaN when missing. */
  public float number(int feature) {
    return numbers[feature];
  }

  public float label() {
    return label;
  }

  /** The 1-based line of the file this row came from. */
  public long line() {
    return line;
  }
}
