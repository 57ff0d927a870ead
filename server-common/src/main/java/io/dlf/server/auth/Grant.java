package io.dlf.server.auth;

import java.nio.file.Path;

/**
 * One role given to a principal, for everything ({@link #ALL}) or for one name or folder.
 *
 * @param underPath the scope is a folder: a resource under it is covered
 */
public record Grant(String role, String scope, boolean underPath) {
  public static final String ALL = "*";

  /** Whether this grant allows {@code role} on {@code resource}. */
  public boolean covers(String wanted, String resource) {
    if (!role.equals(wanted)) {
      return false;
    }
    if (scope.equals(ALL) || scope.equals(resource)) {
      return true;
    }
    return underPath && Path.of(resource).normalize().startsWith(Path.of(scope));
  }

  @Override
  public String toString() {
    return scope.equals(ALL) ? role : role + ":" + scope;
  }
}
