package io.dlf.dsl.encode;

/**
 * How a token list fits a fixed sequence input: the most recent {@code maxLength} tokens (the list
 * is oldest first), then padding. Trainer and server must agree on this, so both use it.
 */
public final class SequenceWindow {
  private SequenceWindow() {}

  /** The window's first index in a list of {@code length} tokens. */
  public static int start(int length, int maxLength) {
    return Math.max(0, length - maxLength);
  }

  /** Row-major {@code [rows, maxLength]} tokens, "" as padding. */
  public static String[] pad(String[][] rows, int maxLength) {
    String[] out = new String[rows.length * maxLength];
    java.util.Arrays.fill(out, "");
    for (int r = 0; r < rows.length; r++) {
      String[] tokens = rows[r];
      int from = start(tokens.length, maxLength);
      System.arraycopy(tokens, from, out, r * maxLength, tokens.length - from);
    }
    return out;
  }
}
