package io.dlf.server;

import io.grpc.ForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/** Counts every call by method and status code and times it: {@code grpc_server_handled_total}, {@code grpc_server_handling_seconds}. */
public final class GrpcMetricsInterceptor implements ServerInterceptor {
  private final Counter handled;
  private final Histogram latency;

  public GrpcMetricsInterceptor(PrometheusRegistry registry) {
    this.handled = Counter.builder()
        .name("grpc_server_handled_total")
        .help("gRPC calls completed, by method and status code")
        .labelNames("method", "code")
        .register(registry);
    this.latency = Histogram.builder()
        .name("grpc_server_handling_seconds")
        .help("Time from the start of a gRPC call to its status, by method")
        .labelNames("method")
        .register(registry);
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    String method = call.getMethodDescriptor().getFullMethodName();
    long start = System.nanoTime();
    return next.startCall(new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
      @Override
      public void close(Status status, Metadata trailers) {
        handled.labelValues(method, status.getCode().name()).inc();
        latency.labelValues(method).observe((System.nanoTime() - start) / 1e9);
        super.close(status, trailers);
      }
    }, headers);
  }
}
