package io.dlf.serving.version;

import static java.util.Objects.requireNonNull;

import io.dlf.dsl.repository.LabelsFile;

/** A label that configuration points at a version of a model, e.g. {@code ctr:stable=3}. */
public record LabelAssignment(String model, String label, long version) {
  public LabelAssignment {
    requireNonNull(model, "model is null");
    LabelsFile.checkLabel(label);
    if (version < 1) {
      throw new IllegalArgumentException("label '" + label + "' must point at a version of at least 1, not " + version);
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
