package io.dlf.client.cli;

import io.dlf.client.ClientBuilder;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;

/** How a command talks to a server: TLS, its credentials and the deadline of each call. */
final class CallOptions {
  @Option(names = "--tls", description = "Use TLS, trusting the system's certificate authorities.")
  boolean tls;

  @Option(names = "--tls-ca", paramLabel = "PEM", description = "Use TLS, trusting the certificates in this file.")
  Path trustCertificates;

  @Option(names = "--tls-client-cert", paramLabel = "PEM",
      description = "Use TLS with this client certificate (mTLS; with --tls-client-key).")
  Path clientCertificate;

  @Option(names = "--tls-client-key", paramLabel = "PEM", description = "The private key of --tls-client-cert.")
  Path clientKey;

  @Option(names = "--token", paramLabel = "TOKEN",
      description = "Bearer token sent with every call (default: $DLF_TOKEN, else the file $DLF_TOKEN_FILE names).")
  String token;

  @Option(names = "--token-file", paramLabel = "FILE", description = "Read the bearer token from this file.")
  Path tokenFile;

  @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "30s",
      description = "Deadline of each call, e.g. 500ms, 30s (default: ${DEFAULT-VALUE}).")
  Duration timeout;

  <C> C build(ClientBuilder<C> builder) {
    if ((clientCertificate == null) != (clientKey == null)) {
      throw new CliException(Dlfctl.BAD_INPUT, "--tls-client-cert and --tls-client-key go together");
    }
    if (token != null) {
      builder.bearerToken(token);
    } else if (tokenFile != null) {
      try {
        builder.bearerTokenFile(tokenFile);
      } catch (java.io.UncheckedIOException e) {
        throw new CliException(Dlfctl.BAD_INPUT, "--token-file: " + e.getMessage());
      }
    }
    if (trustCertificates != null) {
      builder.tls(trustCertificates);
    } else if (tls) {
      builder.tls();
    }
    if (clientCertificate != null) {
      builder.clientCertificate(clientCertificate, clientKey);
    }
    return builder.deadline(timeout).build();
  }
}
