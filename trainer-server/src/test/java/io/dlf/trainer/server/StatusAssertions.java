package io.dlf.trainer.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import com.google.rpc.RetryInfo;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.function.Executable;

/** Checks on gRPC error statuses and their google.rpc details. */
final class StatusAssertions {
  private StatusAssertions() {}

  static StatusRuntimeException assertStatus(Status.Code code, Executable call) {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call);
    assertEquals(code, e.getStatus().getCode(), e.getStatus().toString());
    return e;
  }

  /** The fields of the BadRequest field violations. */
  static List<String> violatedFields(StatusRuntimeException e) {
    return detail(e, BadRequest.class).map(b -> b.getFieldViolationsList().stream()
        .map(BadRequest.FieldViolation::getField).toList()).orElse(List.of());
  }

  static String reason(StatusRuntimeException e) {
    return detail(e, ErrorInfo.class).map(ErrorInfo::getReason).orElse("");
  }

  static Optional<RetryInfo> retryInfo(StatusRuntimeException e) {
    return detail(e, RetryInfo.class);
  }

  private static <T extends com.google.protobuf.Message> Optional<T> detail(StatusRuntimeException e, Class<T> type) {
    com.google.rpc.Status status = StatusProto.fromThrowable(e);
    if (status == null) {
      return Optional.empty();
    }
    for (Any any : status.getDetailsList()) {
      if (any.is(type)) {
        try {
          return Optional.of(any.unpack(type));
        } catch (InvalidProtocolBufferException ex) {
          throw new AssertionError(ex);
        }
      }
    }
    return Optional.empty();
  }
}
