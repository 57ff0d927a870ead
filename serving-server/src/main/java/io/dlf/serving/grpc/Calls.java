package io.dlf.serving.grpc;

import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Answers unary calls, from whichever thread has the answer. */
final class Calls {
  private static final Logger LOG = Logger.getLogger(Calls.class.getName());

  private Calls() {}

  /** Answers with what {@code handler} returns, or with the status of what it throws. */
  static <T> void unary(StreamObserver<T> observer, Supplier<T> handler) {
    T value;
    try {
      value = handler.get();
    } catch (RuntimeException e) {
      fail(observer, ServingErrors.toStatus(e));
      return;
    }
    respond(observer, value);
  }

  static <T> void respond(StreamObserver<T> observer, T value) {
    try {
      observer.onNext(value);
      observer.onCompleted();
    } catch (RuntimeException e) {
      // the call ended meanwhile (cancelled, deadline): nobody is left to answer
      LOG.log(Level.FINE, "could not answer a call", e);
    }
  }

  static void fail(StreamObserver<?> observer, StatusRuntimeException status) {
    try {
      observer.onError(status);
    } catch (RuntimeException e) {
      LOG.log(Level.FINE, "could not answer a call", e);
    }
  }
}
