package io.dlf.serving.grpc;

import io.dlf.serving.ServingException;
import io.dlf.server.GrpcErrors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The gRPC status of each kind of {@link ServingException}, with google.rpc details: field
 * violations for bad examples, ErrorInfo reasons (MODEL_NOT_FOUND, VERSION_FAILED, ...) and
 * RetryInfo where trying again helps. A full queue answers RESOURCE_EXHAUSTED, as the issue asks
 * (TensorFlow Serving and Triton use UNAVAILABLE for the same case).
 */
final class ServingErrors {
  private static final Logger LOG = Logger.getLogger(ServingErrors.class.getName());
  private static final Duration RETRY_WHEN_OVERLOADED = Duration.ofMillis(100);
  private static final Duration RETRY_WHEN_UNAVAILABLE = Duration.ofSeconds(1);

  private ServingErrors() {}

  static StatusRuntimeException toStatus(Throwable error) {
    Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    if (cause instanceof StatusRuntimeException status) {
      return status;
    }
    if (!(cause instanceof ServingException e)) {
      LOG.log(Level.SEVERE, "unexpected failure", cause);
      return GrpcErrors.internal("unexpected failure: " + cause);
    }
    return switch (e.kind()) {
      case NOT_FOUND -> GrpcErrors.notFound(e.reason(), e.getMessage());
      case INVALID_ARGUMENT -> GrpcErrors.invalidArgument(e.getMessage(), e.violations().stream()
          .map(v -> new GrpcErrors.FieldViolation(v.field(), v.description())).toList());
      case FAILED_PRECONDITION -> GrpcErrors.failedPrecondition(e.reason(), e.getMessage());
      case OVERLOADED -> GrpcErrors.resourceExhausted(e.getMessage(), RETRY_WHEN_OVERLOADED);
      case UNAVAILABLE -> GrpcErrors.unavailable(e.getMessage(), RETRY_WHEN_UNAVAILABLE);
      case DEADLINE_EXCEEDED -> GrpcErrors.deadlineExceeded(e.getMessage());
      case CANCELLED -> Status.CANCELLED.withDescription(e.getMessage()).asRuntimeException();
      case INTERNAL -> GrpcErrors.internal(e.getMessage());
    };
  }
}
