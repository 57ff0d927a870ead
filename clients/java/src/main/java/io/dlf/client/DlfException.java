package io.dlf.client;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.BadRequest;
import com.google.rpc.RetryInfo;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A call that failed, with the server's status code and message kept as they were, and the
 * details a program can act on: the request fields at fault and when a retry makes sense.
 */
public final class DlfException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** One broken rule of a request field, e.g. {@code model_spec.dlf.layers[1].fusion.heads}. */
  public record FieldViolation(String field, String description) {}

  private final String server;
  private final Target target;
  private final Status.Code code;
  private final String serverMessage;
  private final transient List<FieldViolation> violations;
  private final transient Optional<Duration> retryDelay;

  private DlfException(String server, Target target, String method, StatusRuntimeException cause) {
    super(method + " on the " + server + " at " + target + ": " + cause.getStatus().getCode() + ": "
        + describe(cause.getStatus()), cause);
    this.server = server;
    this.target = target;
    this.code = cause.getStatus().getCode();
    this.serverMessage = describe(cause.getStatus());
    List<FieldViolation> fields = new ArrayList<>();
    Optional<Duration> delay = Optional.empty();
    com.google.rpc.Status details = StatusProto.fromThrowable(cause);
    if (details != null) {
      for (com.google.protobuf.Any any : details.getDetailsList()) {
        try {
          if (any.is(BadRequest.class)) {
            any.unpack(BadRequest.class).getFieldViolationsList()
                .forEach(v -> fields.add(new FieldViolation(v.getField(), v.getDescription())));
          } else if (any.is(RetryInfo.class)) {
            com.google.protobuf.Duration d = any.unpack(RetryInfo.class).getRetryDelay();
            delay = Optional.of(Duration.ofSeconds(d.getSeconds(), d.getNanos()));
          }
        } catch (InvalidProtocolBufferException e) {
          // A detail this client cannot read adds nothing to the status message; ignore it.
        }
      }
    }
    this.violations = List.copyOf(fields);
    this.retryDelay = delay;
  }

  static DlfException of(String server, Target target, String method, StatusRuntimeException cause) {
    return new DlfException(server, target, method, cause);
  }

  private static String describe(Status status) {
    return status.getDescription() != null ? status.getDescription() : "(no message)";
  }

  /** Which server the call went to, e.g. "trainer" or "serving server". */
  public String server() {
    return server;
  }

  public Target target() {
    return target;
  }

  public Status.Code code() {
    return code;
  }

  /** The server's message as it sent it (or the transport's, when the call never reached it). */
  public String serverMessage() {
    return serverMessage;
  }

  public List<FieldViolation> violations() {
    return violations;
  }

  /** When the server said a retry makes sense (RESOURCE_EXHAUSTED, UNAVAILABLE while shutting down). */
  public Optional<Duration> retryDelay() {
    return retryDelay;
  }

  /** The call never reached a server: nothing listens there, or the host name does not resolve. */
  public boolean unreachable() {
    if (code != Status.Code.UNAVAILABLE) {
      return false;
    }
    for (Throwable t = getCause().getCause(); t != null; t = t.getCause()) {
      if (t instanceof ConnectException || t instanceof UnknownHostException) {
        return true;
      }
    }
    return false;
  }
}
