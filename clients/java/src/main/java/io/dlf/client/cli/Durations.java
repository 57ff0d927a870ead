package io.dlf.client.cli;

import java.time.Duration;
import java.util.Locale;

/** Durations as people type them: {@code 500ms}, {@code 30s}, {@code 5m}, {@code 2h}. */
final class Durations {
  private Durations() {}

  static Duration parse(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    int split = 0;
    while (split < t.length() && (Character.isDigit(t.charAt(split)) || t.charAt(split) == '.')) {
      split++;
    }
    if (split == 0) {
      throw new IllegalArgumentException("'" + text + "' is not a duration such as 500ms, 30s, 5m or 2h");
    }
    double amount = Double.parseDouble(t.substring(0, split));
    double millis = switch (t.substring(split)) {
      case "ms" -> amount;
      case "s", "" -> amount * 1e3;
      case "m" -> amount * 60e3;
      case "h" -> amount * 3600e3;
      default -> throw new IllegalArgumentException("'" + text + "' has an unknown unit; use ms, s, m or h");
    };
    return Duration.ofMillis(Math.round(millis));
  }

  /** {@code 1:05:09}, {@code 5:09}: short enough for a progress line. */
  static String clock(double seconds) {
    long s = Math.round(seconds);
    return s >= 3600
        ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
        : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
  }
}
