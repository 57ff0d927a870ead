package io.dlf.client.cli;

import io.dlf.client.ClientBuilder;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;

/** How a command talks to a server: TLS and the deadline of each call. */
final class CallOptions {
  @Option(names = "--tls", description = "Use TLS, trusting the system's certificate authorities.")
  boolean tls;

  @Option(names = "--tls-ca", paramLabel = "PEM", description = "Use TLS, trusting the certificates in this file.")
  Path trustCertificates;

  @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "30s",
      description = "Deadline of each call, e.g. 500ms, 30s (default: ${DEFAULT-VALUE}).")
  Duration timeout;

  <C> C build(ClientBuilder<C> builder) {
    if (trustCertificates != null) {
      builder.tls(trustCertificates);
    } else if (tls) {
      builder.tls();
    }
    return builder.deadline(timeout).build();
  }
}
