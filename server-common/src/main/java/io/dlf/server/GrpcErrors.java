package io.dlf.server;

import com.google.protobuf.Any;
import com.google.protobuf.util.Durations;
import com.google.rpc.BadRequest;
import com.google.rpc.Code;
import com.google.rpc.ErrorInfo;
import com.google.rpc.RetryInfo;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.time.Duration;
import java.util.List;

/**
 * gRPC statuses with messages a person can act on, and machine-readable details
 * ({@code google.rpc.BadRequest} field violations, {@code ErrorInfo}, {@code RetryInfo}) that
 * clients in any language can read from {@code grpc-status-details-bin}.
 */
public final class GrpcErrors {
  public static final String DOMAIN = "dlf.io";

  /** One broken rule of a request field. */
  public record FieldViolation(String field, String description) {}

  private GrpcErrors() {}

  public static StatusRuntimeException invalidArgument(String message, List<FieldViolation> violations) {
    BadRequest.Builder details = BadRequest.newBuilder();
    violations.forEach(v -> details.addFieldViolations(
        BadRequest.FieldViolation.newBuilder().setField(v.field()).setDescription(v.description())));
    return status(Code.INVALID_ARGUMENT, message, Any.pack(details.build()));
  }

  public static StatusRuntimeException invalidArgument(String field, String description) {
    return invalidArgument(field + ": " + description, List.of(new FieldViolation(field, description)));
  }

  public static StatusRuntimeException notFound(String reason, String message) {
    return status(Code.NOT_FOUND, message, errorInfo(reason));
  }

  public static StatusRuntimeException failedPrecondition(String reason, String message) {
    return status(Code.FAILED_PRECONDITION, message, errorInfo(reason));
  }

  public static StatusRuntimeException unauthenticated(String reason, String message) {
    return status(Code.UNAUTHENTICATED, message, errorInfo(reason));
  }

  public static StatusRuntimeException permissionDenied(String reason, String message) {
    return status(Code.PERMISSION_DENIED, message, errorInfo(reason));
  }

  public static StatusRuntimeException alreadyExists(String reason, String message) {
    return status(Code.ALREADY_EXISTS, message, errorInfo(reason));
  }

  /** A full queue or an exhausted quota; {@code retryAfter} tells clients when trying again makes sense. */
  public static StatusRuntimeException resourceExhausted(String message, Duration retryAfter) {
    return status(Code.RESOURCE_EXHAUSTED, message, Any.pack(RetryInfo.newBuilder()
        .setRetryDelay(Durations.fromMillis(retryAfter.toMillis())).build()));
  }

  public static StatusRuntimeException unavailable(String message, Duration retryAfter) {
    return status(Code.UNAVAILABLE, message, Any.pack(RetryInfo.newBuilder()
        .setRetryDelay(Durations.fromMillis(retryAfter.toMillis())).build()));
  }

  public static StatusRuntimeException deadlineExceeded(String message) {
    return status(Code.DEADLINE_EXCEEDED, message, errorInfo("DEADLINE_EXCEEDED"));
  }

  public static StatusRuntimeException internal(String message) {
    return status(Code.INTERNAL, message, errorInfo("INTERNAL"));
  }

  private static Any errorInfo(String reason) {
    return Any.pack(ErrorInfo.newBuilder().setDomain(DOMAIN).setReason(reason).build());
  }

  private static StatusRuntimeException status(Code code, String message, Any detail) {
    return StatusProto.toStatusRuntimeException(com.google.rpc.Status.newBuilder()
        .setCode(code.getNumber()).setMessage(message).addDetails(detail).build());
  }
}
