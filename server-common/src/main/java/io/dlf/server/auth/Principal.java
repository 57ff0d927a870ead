package io.dlf.server.auth;

import static java.util.Objects.requireNonNull;

/**
 * Who made a call: a JWT's subject, a static token's owner, or a client certificate's common name.
 *
 * @param name what the policy file and a job's {@code submitted_by} call it; empty when the server has no
 *     authentication
 * @param via how it was established: {@code jwt}, {@code token}, {@code certificate} or {@code none}
 */
public record Principal(String name, String via) {
  /** Every caller of a server that authenticates nobody. */
  public static final Principal NONE = new Principal("", "none");

  public Principal {
    requireNonNull(name, "name is null");
    requireNonNull(via, "via is null");
  }

  /** The name for logs: {@code -} for nobody. */
  @Override
  public String toString() {
    return name.isEmpty() ? "-" : name;
  }
}
