package io.dlf.server;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * How a DLF gRPC server listens.
 *
 * @param host the address to bind ({@code 127.0.0.1} keeps it local; {@code 0.0.0.0} for all)
 * @param port the gRPC port; 0 picks a free one
 * @param metricsPort the Prometheus HTTP port; 0 picks a free one, -1 disables it
 * @param tlsCertificateChain with {@code tlsPrivateKey}: serve TLS from these PEM files
 * @param handlerThreads threads that run gRPC handlers (a bounded pool, not gRPC's cached one)
 * @param maxInboundMessageBytes the largest request accepted
 * @param shutdownGrace how long in-flight calls get to finish on shutdown
 */
public record GrpcServerConfig(
    String host,
    int port,
    int metricsPort,
    Optional<Path> tlsCertificateChain,
    Optional<Path> tlsPrivateKey,
    int handlerThreads,
    int maxInboundMessageBytes,
    Duration shutdownGrace) {

  public GrpcServerConfig {
    requireNonNull(host, "host is null");
    requireNonNull(tlsCertificateChain, "tlsCertificateChain is null");
    requireNonNull(tlsPrivateKey, "tlsPrivateKey is null");
    requireNonNull(shutdownGrace, "shutdownGrace is null");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port " + port + " must be in 0..65535");
    }
    if (metricsPort < -1 || metricsPort > 65535) {
      throw new IllegalArgumentException("metrics port " + metricsPort + " must be -1 (off) or in 0..65535");
    }
    if (tlsCertificateChain.isPresent() != tlsPrivateKey.isPresent()) {
      throw new IllegalArgumentException("TLS needs both a certificate chain and a private key");
    }
    if (handlerThreads < 1) {
      throw new IllegalArgumentException("handler threads " + handlerThreads + " must be at least 1");
    }
    if (maxInboundMessageBytes < 1024) {
      throw new IllegalArgumentException("max inbound message bytes " + maxInboundMessageBytes + " must be at least 1024");
    }
  }

  /** Loopback, a free port for gRPC and for metrics, no TLS, 8 handler threads, 64 MiB messages, 10 s grace. */
  public static GrpcServerConfig local() {
    return new GrpcServerConfig("127.0.0.1", 0, 0, Optional.empty(), Optional.empty(), 8, 64 << 20,
        Duration.ofSeconds(10));
  }

  public boolean tls() {
    return tlsCertificateChain.isPresent();
  }

  public GrpcServerConfig withPort(int value) {
    return new GrpcServerConfig(host, value, metricsPort, tlsCertificateChain, tlsPrivateKey, handlerThreads,
        maxInboundMessageBytes, shutdownGrace);
  }

  public GrpcServerConfig withMetricsPort(int value) {
    return new GrpcServerConfig(host, port, value, tlsCertificateChain, tlsPrivateKey, handlerThreads,
        maxInboundMessageBytes, shutdownGrace);
  }

  public GrpcServerConfig withHost(String value) {
    return new GrpcServerConfig(value, port, metricsPort, tlsCertificateChain, tlsPrivateKey, handlerThreads,
        maxInboundMessageBytes, shutdownGrace);
  }

  public GrpcServerConfig withTls(Path certificateChain, Path privateKey) {
    return new GrpcServerConfig(host, port, metricsPort, Optional.of(certificateChain), Optional.of(privateKey),
        handlerThreads, maxInboundMessageBytes, shutdownGrace);
  }

  public GrpcServerConfig withShutdownGrace(Duration value) {
    return new GrpcServerConfig(host, port, metricsPort, tlsCertificateChain, tlsPrivateKey, handlerThreads,
        maxInboundMessageBytes, value);
  }

  public GrpcServerConfig withHandlerThreads(int value) {
    return new GrpcServerConfig(host, port, metricsPort, tlsCertificateChain, tlsPrivateKey, value,
        maxInboundMessageBytes, shutdownGrace);
  }
}
