package io.dlf.serving.version;

import static java.util.Objects.requireNonNull;

import java.util.regex.Pattern;

/** A label that configuration points at a version of a model, e.g. {@code ctr:stable=3}. */
public record LabelAssignment(String model, String label, long version) {
  /** Letters, digits, '_' and '-', starting with a letter or '_' so that a label never reads as a number. */
  private static final Pattern LABEL = Pattern.compile("[A-Za-z_][A-Za-z0-9_-]{0,63}");

  public LabelAssignment {
    requireNonNull(model, "model is null");
    checkLabel(label);
    if (version < 1) {
      throw new IllegalArgumentException("label '" + label + "' must point at a version of at least 1, not " + version);
    }
  }

  /** Throws IllegalArgumentException saying what is wrong with a label name. */
  public static void checkLabel(String label) {
    requireNonNull(label, "label is null");
    if (!LABEL.matcher(label).matches()) {
      throw new IllegalArgumentException("label '" + label + "' must be 1-64 letters, digits, '_' or '-', "
          + "starting with a letter or '_'");
    }
  }

  /** Parses {@code MODEL:LABEL=VERSION}. */
  public static LabelAssignment parse(String text) {
    int colon = text.indexOf(':');
    int equals = text.lastIndexOf('=');
    if (colon < 1 || equals < colon + 2 || equals == text.length() - 1) {
      throw new IllegalArgumentException("label '" + text + "' is not MODEL:LABEL=VERSION");
    }
    try {
      return new LabelAssignment(text.substring(0, colon), text.substring(colon + 1, equals),
          Long.parseLong(text.substring(equals + 1)));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("label '" + text + "' has no version number after '='", e);
    }
  }
}
