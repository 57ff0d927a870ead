package io.dlf.serving;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * A request the server cannot answer, with what went wrong in words a person can act on. The gRPC
 * layer turns each {@link Kind} into a status code; nothing below it knows about gRPC.
 */
public final class ServingException extends RuntimeException {

  /** What kind of failure this is; decides the status a client sees. */
  public enum Kind {
    /** No such model, version or label. */
    NOT_FOUND,
    /** The request itself is wrong: features, types, sizes. */
    INVALID_ARGUMENT,
    /** The target exists but is in the wrong state, e.g. a label onto a FAILED version. */
    FAILED_PRECONDITION,
    /** The queue is full: retry later. */
    OVERLOADED,
    /** The target is not ready yet (loading) or the server is stopping: retry later. */
    UNAVAILABLE,
    /** The deadline passed before the work could be done. */
    DEADLINE_EXCEEDED,
    /** The client went away. */
    CANCELLED,
    /** A failure inside the server. */
    INTERNAL
  }

  /** One broken rule about one field of a request. */
  public record Violation(String field, String description) {
    public Violation {
      requireNonNull(field, "field is null");
      requireNonNull(description, "description is null");
    }
  }

  private final Kind kind;
  private final String reason;
  private final List<Violation> violations;

  private ServingException(Kind kind, String reason, String message, List<Violation> violations) {
    super(message, null, false, false);
    this.kind = requireNonNull(kind, "kind is null");
    this.reason = requireNonNull(reason, "reason is null");
    this.violations = List.copyOf(violations);
  }

  /** {@code reason} is a stable machine-readable word, e.g. {@code MODEL_NOT_FOUND}. */
  public static ServingException of(Kind kind, String reason, String message) {
    return new ServingException(kind, reason, message, List.of());
  }

  public static ServingException invalid(String message, List<Violation> violations) {
    return new ServingException(Kind.INVALID_ARGUMENT, "INVALID_EXAMPLES", message, violations);
  }

  public static ServingException invalid(String field, String description) {
    return invalid(field + ": " + description, List.of(new Violation(field, description)));
  }

  public Kind kind() {
    return kind;
  }

  public String reason() {
    return reason;
  }

  public List<Violation> violations() {
    return violations;
  }
}
