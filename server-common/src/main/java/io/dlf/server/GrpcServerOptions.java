package io.dlf.server;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The command-line options of how a DLF gRPC server listens, the same on every server (a picocli
 * mixin). The defaults that differ from server to server come from the server's
 * {@link GrpcServerDefaults}, its command line's default value provider.
 */
public final class GrpcServerOptions {
  @Spec(Spec.Target.MIXEE)
  CommandSpec command;

  @Option(names = "--host", defaultValue = "127.0.0.1",
      description = "Address to listen on; 0.0.0.0 for every interface, which needs authentication (--auth-*, "
          + "--tls-client-ca) or --allow-unauthenticated-network (default: ${DEFAULT-VALUE}).")
  String host;

  @Option(names = "--port", description = "gRPC port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--metrics-port",
      description = "Prometheus /metrics HTTP port; 0 picks a free one, -1 turns metrics off (default: ${DEFAULT-VALUE}).")
  int metricsPort;

  @Option(names = "--tls-cert", paramLabel = "PEM",
      description = "Certificate chain; with --tls-key, serve TLS (default: none, plaintext).")
  Path tlsCertificate;

  @Option(names = "--tls-key", paramLabel = "PEM", description = "Private key (PKCS#8) of --tls-cert (default: none).")
  Path tlsKey;

  @Option(names = "--handler-threads", description = "Threads answering gRPC calls (default: ${DEFAULT-VALUE}).")
  int handlerThreads;

  @Option(names = "--max-message-bytes", defaultValue = "67108864",
      description = "Largest request accepted, in bytes (default: ${DEFAULT-VALUE}).")
  int maxMessageBytes;

  @Option(names = "--shutdown-grace", paramLabel = "DURATION", converter = DurationConverter.class,
      description = "On SIGTERM or Ctrl-C, how long work in flight gets to finish: 500ms, 30s, 2m or PT30S "
          + "(default: ${DEFAULT-VALUE}).")
  Duration shutdownGrace;

  /**
   * The configuration these options describe.
   *
   * @throws ParameterException naming --tls-cert and --tls-key when only one is given
   * @throws IllegalArgumentException naming a value out of range
   */
  public GrpcServerConfig config() {
    if ((tlsCertificate == null) != (tlsKey == null)) {
      throw new ParameterException(command.commandLine(), "--tls-cert and --tls-key go together");
    }
    return new GrpcServerConfig(host, port, metricsPort, Optional.ofNullable(tlsCertificate),
        Optional.ofNullable(tlsKey), handlerThreads, maxMessageBytes, shutdownGrace);
  }
}
