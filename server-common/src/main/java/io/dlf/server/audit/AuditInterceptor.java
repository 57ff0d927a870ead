package io.dlf.server.audit;

import com.google.gson.JsonObject;
import io.dlf.server.auth.Principal;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.time.Clock;
import java.util.Map;
import java.util.logging.Logger;

/**
 * One structured line per call that changes state, on the {@value #LOGGER} logger: when, who (principal and how
 * it was established), the method, its target and its outcome (status code, and the message of a failure), as
 * JSON. Refused calls are logged too. It runs outside the auth interceptor, which tells it the caller through
 * {@link #noteCaller}.
 */
public final class AuditInterceptor implements ServerInterceptor {
  public static final String LOGGER = "dlf.audit";
  private static final Logger LOG = Logger.getLogger(LOGGER);
  private static final Context.Key<Call> CALL = Context.key("dlf-audit-call");

  private final Map<String, AuditTarget<Object, Object>> targets;
  private final Clock clock;

  /** @param targets by full method name ({@code package.Service/Method}): the calls to audit */
  @SuppressWarnings("unchecked")
  public AuditInterceptor(Map<String, ? extends AuditTarget<?, ?>> targets, Clock clock) {
    this.targets = Map.copyOf((Map<String, AuditTarget<Object, Object>>) targets);
    this.clock = clock;
  }

  /** Records who makes the current call, if it is audited; the auth interceptor calls it once it knows. */
  public static void noteCaller(Principal principal) {
    Call call = CALL.get();
    if (call != null) {
      call.principal = principal;
    }
  }

  /** What one audited call has shown so far. */
  private static final class Call {
    volatile Principal principal;
    volatile Object request;
    volatile Object response;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
      ServerCallHandler<Q, R> next) {
    String method = call.getMethodDescriptor().getFullMethodName();
    AuditTarget<Object, Object> target = targets.get(method);
    if (target == null) {
      return next.startCall(call, headers);
    }
    Call seen = new Call();
    ServerCall<Q, R> recorded = new SimpleForwardingServerCall<>(call) {
      @Override
      public void sendMessage(R message) {
        seen.response = message;
        super.sendMessage(message);
      }

      @Override
      public void close(Status status, Metadata trailers) {
        LOG.info(() -> line(seen, method, target, status));
        super.close(status, trailers);
      }
    };
    ServerCall.Listener<Q> listener = Contexts.interceptCall(Context.current().withValue(CALL, seen), recorded,
        headers, next);
    return new SimpleForwardingServerCallListener<>(listener) {
      @Override
      public void onMessage(Q message) {
        seen.request = message;
        super.onMessage(message);
      }
    };
  }

  private String line(Call seen, String method, AuditTarget<Object, Object> target, Status status) {
    JsonObject line = new JsonObject();
    line.addProperty("time", clock.instant().toString());
    Principal principal = seen.principal;
    line.addProperty("principal", principal == null ? "-" : principal.toString());
    line.addProperty("via", principal == null ? "-" : principal.via());
    line.addProperty("method", method);
    line.addProperty("target", target.describe(seen.request, status.isOk() ? seen.response : null));
    line.addProperty("outcome", status.getCode().name());
    if (!status.isOk() && status.getDescription() != null) {
      line.addProperty("message", status.getDescription());
    }
    return "audit " + line;
  }
}
