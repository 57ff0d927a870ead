package io.dlf.server.auth;

import io.dlf.server.GrpcErrors;
import io.dlf.server.audit.AuditInterceptor;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.StatusRuntimeException;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Authenticates every call and checks the server's {@link AccessRules} before a service sees it, putting the
 * caller's {@link Access} in the call's context. A bearer token ({@code authorization: Bearer TOKEN}), when sent,
 * decides; else a verified client certificate (mTLS). No credentials, or refused ones: UNAUTHENTICATED. A caller
 * without the role a method needs: PERMISSION_DENIED naming the role. Health and reflection stay open unless
 * configured otherwise. A refused call is answered once its request arrives (the audit log records its target);
 * the service never runs for it.
 */
public final class AuthInterceptor implements ServerInterceptor {
  static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
  private static final String BEARER = "bearer ";

  private final AccessRules rules;
  private final Policy policy;
  private final Optional<TokenCache> tokens;
  private final boolean certificates;
  private final Set<String> openServices;

  /**
   * @param tokens verifies bearer tokens (absent: the server takes none)
   * @param certificates whether verified client certificates identify callers
   * @param openServices services anyone may call, e.g. {@code grpc.health.v1.Health}
   */
  AuthInterceptor(AccessRules rules, Policy policy, Optional<TokenCache> tokens, boolean certificates,
      Set<String> openServices) {
    this.rules = rules;
    this.policy = policy;
    this.tokens = tokens;
    this.certificates = certificates;
    this.openServices = Set.copyOf(openServices);
  }

  /** Whether callers are authenticated at all; without, every call has {@link Access#unrestricted()}. */
  boolean enabled() {
    return tokens.isPresent() || certificates;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
      ServerCallHandler<Q, R> next) {
    if (!enabled()) {
      return Contexts.interceptCall(Context.current().withValue(Access.KEY, Access.unrestricted()), call, headers,
          next);
    }
    String method = call.getMethodDescriptor().getFullMethodName();
    if (openServices.contains(call.getMethodDescriptor().getServiceName())) {
      return Contexts.interceptCall(Context.current().withValue(Access.KEY, Access.of(Principal.NONE, List.of())),
          call, headers, next);
    }
    Access access;
    try {
      access = authenticate(call, headers);
    } catch (AuthenticationException e) {
      return new Refusal<>(call, GrpcErrors.unauthenticated("UNAUTHENTICATED", e.getMessage()));
    }
    AuditInterceptor.noteCaller(access.principal());
    MethodRule rule = rules.methods().get(method);
    if (rule == null) {
      return new Refusal<>(call, GrpcErrors.permissionDenied("NO_ACCESS_RULE", "nobody may call " + method
          + ": the " + rules.server() + " has no access rule for it"));
    }
    if (rule.resource().isEmpty() && !rule.anyOf().isEmpty() && rule.anyOf().stream().noneMatch(access::has)) {
      return new Refusal<>(call, access.denied("call " + method, needed(rule, null)));
    }
    ServerCall.Listener<Q> listener = Contexts.interceptCall(Context.current().withValue(Access.KEY, access), call,
        headers, next);
    return rule.resource().isEmpty() ? listener : new ResourceCheck<>(listener, call, access, rule, method);
  }

  private Access authenticate(ServerCall<?, ?> call, Metadata headers) throws AuthenticationException {
    String authorization = headers.get(AUTHORIZATION);
    if (authorization != null) {
      if (tokens.isEmpty()) {
        throw new AuthenticationException("this " + rules.server() + " takes no bearer tokens; it identifies callers "
            + "by their client certificates");
      }
      if (!authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
        throw new AuthenticationException("the authorization header is not 'Bearer TOKEN'");
      }
      return tokens.get().access(authorization.substring(BEARER.length()).strip());
    }
    if (certificates) {
      Optional<Principal> principal = ClientCertificates.principal(call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION));
      if (principal.isPresent()) {
        return policy.access(principal.get());
      }
    }
    throw new AuthenticationException("the " + rules.server() + " needs credentials: " + (tokens.isPresent()
        ? "a bearer token (authorization: Bearer TOKEN)" + (certificates ? " or a client certificate" : "")
        : "a client certificate signed by its client CA"));
  }

  /** How a denial names the roles that would do, e.g. {@code models.read or predict:ctr}. */
  private String needed(MethodRule rule, String resource) {
    return String.join(" or ", rule.anyOf().stream().map(name -> {
      boolean scoped = rules.role(name).map(r -> r.scope() != Role.Scope.NONE).orElse(false);
      return scoped && resource != null ? name + ":" + resource : name;
    }).toList());
  }

  /** Answers a refused call with its status once the request arrived; the service never starts. */
  private static final class Refusal<Q> extends ServerCall.Listener<Q> {
    private final ServerCall<Q, ?> call;
    private final StatusRuntimeException status;
    private boolean closed;

    Refusal(ServerCall<Q, ?> call, StatusRuntimeException status) {
      this.call = call;
      this.status = status;
      call.request(1);
    }

    @Override
    public void onMessage(Q message) {
      close();
    }

    @Override
    public void onHalfClose() {
      close();
    }

    private void close() {
      if (!closed) {
        closed = true;
        call.close(status.getStatus(), status.getTrailers());
      }
    }
  }

  /** Checks a scoped role on the resource the request names, before the service reads the request. */
  private final class ResourceCheck<Q> extends SimpleForwardingServerCallListener<Q> {
    private final ServerCall<Q, ?> call;
    private final Access access;
    private final MethodRule rule;
    private final String method;
    private boolean refused;

    ResourceCheck(ServerCall.Listener<Q> delegate, ServerCall<Q, ?> call, Access access, MethodRule rule,
        String method) {
      super(delegate);
      this.call = call;
      this.access = access;
      this.rule = rule;
      this.method = method;
    }

    @Override
    public void onMessage(Q message) {
      if (refused) {
        return;
      }
      String resource = rule.resource().orElseThrow().apply(message);
      if (rule.anyOf().stream().noneMatch(role -> access.allows(role, resource))) {
        refused = true;
        StatusRuntimeException denied = access.denied("call " + method + " on '" + resource + "'",
            needed(rule, resource));
        call.close(denied.getStatus(), denied.getTrailers());
        return;
      }
      super.onMessage(message);
    }

    @Override
    public void onHalfClose() {
      if (!refused) {
        super.onHalfClose();
      }
    }
  }
}
