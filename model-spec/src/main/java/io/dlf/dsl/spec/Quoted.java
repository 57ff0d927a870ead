package io.dlf.dsl.spec;

import com.google.common.base.Ascii;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Values quoted back in error messages, cut short: a message must stay readable and small (gRPC
 * carries it in a trailer, which clients refuse beyond a few KiB) whatever a client sent.
 */
public final class Quoted {
  /** Characters of a value quoted in full; a longer one is cut and its length given. */
  public static final int SHOWN = 64;

  private Quoted() {}

  /** {@code 'value'}, or {@code 'first 64 characters...' (1,048,576 characters)}. */
  public static String of(String value) {
    if (value.length() <= SHOWN) {
      return "'" + value + "'";
    }
    return "'" + Ascii.truncate(value, SHOWN, "...") + "' (" + count(value.length()) + " characters)";
  }

  /** The first 16 values, comma-separated, each cut to {@value #SHOWN} characters. */
  public static String list(List<String> values) {
    String shown = values.stream().limit(16).map(v -> Ascii.truncate(v, SHOWN, "..."))
        .collect(Collectors.joining(", "));
    return values.size() <= 16 ? shown : shown + ", ... (" + count(values.size()) + " in all)";
  }

  /** A number with thousands separators: 1,048,576. */
  public static String count(long value) {
    return String.format(Locale.ROOT, "%,d", value);
  }
}
