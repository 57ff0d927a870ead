package io.dlf.server.auth;

import io.dlf.server.GrpcErrors;
import io.grpc.Context;
import java.util.List;

/**
 * What the caller of the current gRPC call may do: its principal and the roles its policy grants. The auth
 * interceptor puts it in the call's {@link Context}; services read it with {@link #current()}.
 */
public final class Access {
  static final Context.Key<Access> KEY = Context.key("dlf-access");
  private static final Access UNRESTRICTED = new Access(Principal.NONE, List.of(), true);

  private final Principal principal;
  private final List<Grant> grants;
  private final boolean unrestricted;

  private Access(Principal principal, List<Grant> grants, boolean unrestricted) {
    this.principal = principal;
    this.grants = List.copyOf(grants);
    this.unrestricted = unrestricted;
  }

  /** Everything, for the callers of a server without authentication. */
  public static Access unrestricted() {
    return UNRESTRICTED;
  }

  static Access of(Principal principal, List<Grant> grants) {
    return new Access(principal, grants, false);
  }

  /**
   * The current call's access.
   *
   * @throws IllegalStateException when no auth interceptor ran for this call (a service called outside gRPC, or
   *     on a thread without the call's context): refusing is safer than guessing
   */
  public static Access current() {
    Access access = KEY.get();
    if (access == null) {
      throw new IllegalStateException("no caller in this context: the auth interceptor did not run for this call");
    }
    return access;
  }

  public Principal principal() {
    return principal;
  }

  /** No authentication: every call may do everything. */
  public boolean isUnrestricted() {
    return unrestricted;
  }

  /** Whether a grant of {@code role} with any scope exists. */
  public boolean has(String role) {
    return unrestricted || grants.stream().anyMatch(g -> g.role().equals(role));
  }

  /** Whether {@code role} is granted on {@code resource} (a name, or a file for a folder-scoped role). */
  public boolean allows(String role, String resource) {
    return unrestricted || grants.stream().anyMatch(g -> g.covers(role, resource));
  }

  /** PERMISSION_DENIED: this principal may not do {@code what}; it needs {@code needed}. */
  public io.grpc.StatusRuntimeException denied(String what, String needed) {
    return GrpcErrors.permissionDenied("MISSING_ROLE", "'" + principal + "' may not " + what + ": that needs the role "
        + needed + ", which the server's policy does not grant it");
  }

  /** The grants, as the policy file writes them. */
  public List<Grant> grants() {
    return grants;
  }
}
