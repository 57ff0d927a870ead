package io.dlf.client;

import io.grpc.CallCredentials;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.MethodDescriptor;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.AbstractStub;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/** One channel to one server, and the rules every call on it follows (deadline, errors). */
final class Connection implements AutoCloseable {
  private final String server;
  private final Target target;
  private final Duration deadline;
  private final Duration streamDeadline;
  private final ManagedChannel channel;
  private final Optional<CallCredentials> callCredentials;

  Connection(String server, Target target, ConnectionSecurity security, Duration deadline, Duration streamDeadline,
      Map<String, Object> serviceConfig) {
    this.server = server;
    this.target = target;
    this.deadline = deadline;
    this.streamDeadline = streamDeadline;
    this.callCredentials = security.callCredentials(target);
    ManagedChannelBuilder<?> builder = Grpc.newChannelBuilderForAddress(target.host(), target.port(),
        security.channelCredentials());
    if (!serviceConfig.isEmpty()) {
      builder.defaultServiceConfig(serviceConfig).enableRetry();
    }
    this.channel = builder.build();
  }

  ManagedChannel channel() {
    return channel;
  }

  Target target() {
    return target;
  }

  /** Runs one unary call on {@code stub} under the deadline; a failure keeps the server's status. */
  <S extends AbstractStub<S>, R> R call(S stub, MethodDescriptor<?, ?> method, Function<S, R> body) {
    try {
      return body.apply(authenticated(stub).withDeadlineAfter(deadline.toNanos(), TimeUnit.NANOSECONDS));
    } catch (StatusRuntimeException e) {
      throw failure(method, e);
    }
  }

  /** {@code stub} with the streaming deadline, for calls whose failures arrive through an observer. */
  <S extends AbstractStub<S>> S streaming(S stub) {
    return authenticated(stub).withDeadlineAfter(streamDeadline.toNanos(), TimeUnit.NANOSECONDS);
  }

  private <S extends AbstractStub<S>> S authenticated(S stub) {
    return callCredentials.map(stub::withCallCredentials).orElse(stub);
  }

  DlfException failure(MethodDescriptor<?, ?> method, StatusRuntimeException e) {
    return DlfException.of(server, target, method.getBareMethodName(), e);
  }

  @Override
  public void close() {
    channel.shutdown();
    try {
      if (!channel.awaitTermination(5, TimeUnit.SECONDS)) {
        channel.shutdownNow();
      }
    } catch (InterruptedException e) {
      channel.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
