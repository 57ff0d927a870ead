package io.dlf.server.auth;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A server's roles and, for each of its methods ({@code package.Service/Method}), what a call needs. A method
 * without a rule is refused to everyone (health and reflection are open unless configured otherwise).
 *
 * @param server how messages name the server, e.g. {@code trainer}
 */
public record AccessRules(String server, List<Role> roles, Map<String, MethodRule> methods) {

  public AccessRules {
    roles = List.copyOf(roles);
    methods = Map.copyOf(methods);
  }

  public Optional<Role> role(String name) {
    return roles.stream().filter(r -> r.name().equals(name)).findFirst();
  }

  /** The roles as a policy file writes them, for messages. */
  public String usage() {
    return String.join(", ", roles.stream().map(Role::usage).toList());
  }
}
