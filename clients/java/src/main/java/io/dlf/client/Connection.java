package io.dlf.client;

import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.MethodDescriptor;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.stub.AbstractStub;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
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

  Connection(String server, Target target, boolean tls, Optional<Path> trustCertificates, Duration deadline,
      Duration streamDeadline, Map<String, Object> serviceConfig) {
    this.server = server;
    this.target = target;
    this.deadline = deadline;
    this.streamDeadline = streamDeadline;
    ManagedChannelBuilder<?> builder = Grpc.newChannelBuilderForAddress(target.host(), target.port(),
        credentials(tls, trustCertificates));
    if (!serviceConfig.isEmpty()) {
      builder.defaultServiceConfig(serviceConfig).enableRetry();
    }
    this.channel = builder.build();
  }

  private static ChannelCredentials credentials(boolean tls, Optional<Path> trustCertificates) {
    if (!tls) {
      return InsecureChannelCredentials.create();
    }
    TlsChannelCredentials.Builder builder = TlsChannelCredentials.newBuilder();
    if (trustCertificates.isPresent()) {
      try {
        builder.trustManager(trustCertificates.get().toFile());
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read trust certificates " + trustCertificates.get(), e);
      }
    }
    return builder.build();
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
      return body.apply(stub.withDeadlineAfter(deadline.toNanos(), TimeUnit.NANOSECONDS));
    } catch (StatusRuntimeException e) {
      throw failure(method, e);
    }
  }

  /** {@code stub} with the streaming deadline, for calls whose failures arrive through an observer. */
  <S extends AbstractStub<S>> S streaming(S stub) {
    return stub.withDeadlineAfter(streamDeadline.toNanos(), TimeUnit.NANOSECONDS);
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
