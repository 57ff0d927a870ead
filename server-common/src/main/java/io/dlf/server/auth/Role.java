package io.dlf.server.auth;

import java.util.List;

/**
 * A role a server's policy file may grant.
 *
 * @param name e.g. {@code predict}
 * @param scope whether a grant names what it applies to ({@code predict:ctr}, {@code data:/srv/data})
 * @param implies the roles a grant of this one includes, with the same scope (e.g. {@code jobs.admin} includes
 *     {@code jobs.read})
 */
public record Role(String name, Scope scope, List<String> implies) {
  /** How a grant of a role is scoped. */
  public enum Scope {
    /** Never scoped. */
    NONE,
    /** {@code role} for all, {@code role:NAME} for one name (a model). */
    NAME,
    /** Always scoped: {@code role:/absolute/folder} for the files under it, {@code role:*} for all. */
    PATH
  }

  public Role {
    implies = List.copyOf(implies);
  }

  public static Role plain(String name, String... implies) {
    return new Role(name, Scope.NONE, List.of(implies));
  }

  public static Role named(String name) {
    return new Role(name, Scope.NAME, List.of());
  }

  public static Role path(String name) {
    return new Role(name, Scope.PATH, List.of());
  }

  /** How it is written in a policy file. */
  public String usage() {
    return switch (scope) {
      case NONE -> name;
      case NAME -> name + "[:NAME]";
      case PATH -> name + ":FOLDER|" + name + ":*";
    };
  }
}
