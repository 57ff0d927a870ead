package io.dlf.dsl.encode;

import com.google.common.base.Splitter;

/**
 * The tokens of a raw sequence value, by one rule for training files, serving requests and every
 * other source: an empty token is no token. {@code "a||b|"} with separator {@code "|"} is the two
 * tokens {@code a, b}; so is the list {@code ["a", "", "b"]}. The empty string is the padding of a
 * padded sequence tensor, so keeping it as a token would make padding and data indistinguishable
 * and shift the window of the most recent tokens.
 */
public final class SequenceTokenizer {
  private SequenceTokenizer() {}

  /** The non-empty tokens of {@code joined}, oldest first. */
  public static String[] split(String joined, String separator) {
    return Splitter.on(separator).omitEmptyStrings().splitToStream(joined).toArray(String[]::new);
  }

  /** {@code tokens} without its empty ones; the same array when it has none. */
  public static String[] nonEmpty(String[] tokens) {
    int kept = 0;
    for (String token : tokens) {
      if (!token.isEmpty()) {
        kept++;
      }
    }
    if (kept == tokens.length) {
      return tokens;
    }
    String[] out = new String[kept];
    int i = 0;
    for (String token : tokens) {
      if (!token.isEmpty()) {
        out[i++] = token;
      }
    }
    return out;
  }
}
