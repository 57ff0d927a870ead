package io.dlf.server.auth;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Which roles each principal has: one server's policy file, read once at start. {@code *} lists what every
 * authenticated principal has besides its own roles.
 */
public final class Policy {
  public static final String EVERYONE = "*";

  private final Map<String, List<Grant>> grants;
  private final boolean grantsAll;

  private Policy(Map<String, List<Grant>> grants, boolean grantsAll) {
    this.grants = Map.copyOf(grants);
    this.grantsAll = grantsAll;
  }

  /** Grants per principal, with every implied role already added. */
  static Policy of(Map<String, List<Grant>> grants) {
    return new Policy(grants, false);
  }

  /** No policy file: every authenticated principal has every role, on everything. */
  public static Policy everyRole(AccessRules rules) {
    List<Grant> all = rules.roles().stream()
        .map(r -> new Grant(r.name(), Grant.ALL, r.scope() == Role.Scope.PATH)).toList();
    return new Policy(Map.of(EVERYONE, all), true);
  }

  /** Whether this is {@link #everyRole}: no policy file. */
  public boolean grantsEverything() {
    return grantsAll;
  }

  /** What {@code principal} may do: its own grants and everyone's. */
  public Access access(Principal principal) {
    List<Grant> found = new ArrayList<>(grants.getOrDefault(EVERYONE, List.of()));
    found.addAll(grants.getOrDefault(principal.name(), List.of()));
    return Access.of(principal, found);
  }

  /** The principals the file names ({@code *} included). */
  public java.util.Set<String> principals() {
    return grants.keySet();
  }
}
