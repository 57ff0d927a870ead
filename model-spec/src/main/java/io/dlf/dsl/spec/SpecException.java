package io.dlf.dsl.spec;

import java.util.List;
import java.util.stream.Collectors;

/** A model spec that breaks one or more rules; each violation names its block path and the rule. */
public final class SpecException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final List<Violation> violations;

  public SpecException(String specName, List<Violation> violations) {
    super(format(specName, violations));
    this.violations = List.copyOf(violations);
  }

  public List<Violation> violations() {
    return violations;
  }

  private static String format(String specName, List<Violation> violations) {
    String subject = specName == null || specName.isEmpty() ? "model spec" : "model spec '" + specName + "'";
    return "Invalid " + subject + ": "
        + violations.stream().map(Violation::toString).collect(Collectors.joining("; "));
  }
}
