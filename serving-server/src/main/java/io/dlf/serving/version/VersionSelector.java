package io.dlf.serving.version;

import static java.util.Objects.requireNonNull;

/**
 * Which version of a model a request wants: the latest AVAILABLE one, a numbered one, or the one
 * a label points at.
 */
public record VersionSelector(Kind kind, long version, String label) {

  public enum Kind {
    LATEST,
    NUMBER,
    LABEL
  }

  public VersionSelector {
    requireNonNull(kind, "kind is null");
    requireNonNull(label, "label is null");
  }

  public static VersionSelector latest() {
    return new VersionSelector(Kind.LATEST, 0, "");
  }

  public static VersionSelector number(long version) {
    return new VersionSelector(Kind.NUMBER, version, "");
  }

  public static VersionSelector label(String label) {
    return new VersionSelector(Kind.LABEL, 0, label);
  }

  /**
   * A version as text, as the KServe protocol carries it: empty for the latest, digits for a
   * version number, anything else for a label.
   */
  public static VersionSelector parse(String text) {
    if (text.isEmpty()) {
      return latest();
    }
    if (text.chars().allMatch(Character::isDigit)) {
      try {
        return number(Long.parseLong(text));
      } catch (NumberFormatException tooLong) {
        return label(text);
      }
    }
    return label(text);
  }

  /** How a message names the selection, e.g. "version 3" or "label 'stable'". */
  public String describe() {
    return switch (kind) {
      case LATEST -> "the latest version";
      case NUMBER -> "version " + version;
      case LABEL -> "label '" + label + "'";
    };
  }
}
