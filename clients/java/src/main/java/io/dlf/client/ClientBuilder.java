package io.dlf.client;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Configures a client: where its server listens, plaintext or TLS, its credentials (a bearer token, a client
 * certificate), the deadline every call gets, and how safe calls are retried. Defaults: plaintext, 30 s per call,
 * 24 h per watch stream, {@link RetryPolicy#DEFAULT}, the token of {@code $DLF_TOKEN} (else of the file
 * {@code $DLF_TOKEN_FILE}) if set.
 *
 * @param <C> the client it builds
 */
public final class ClientBuilder<C> {
  private final String server;
  private final List<String> retryableMethods;
  private final Function<Connection, C> factory;
  private Target target;
  private boolean tls;
  private Optional<Path> trustCertificates = Optional.empty();
  private Optional<Path[]> clientCertificate = Optional.empty();
  private Optional<String> token = Optional.empty();
  private Map<String, String> environment = System.getenv();
  private Duration deadline = Duration.ofSeconds(30);
  private Duration streamDeadline = Duration.ofHours(24);
  private RetryPolicy retry = RetryPolicy.DEFAULT;

  ClientBuilder(String server, Target defaultTarget, List<String> retryableMethods, Function<Connection, C> factory) {
    this.server = server;
    this.target = defaultTarget;
    this.retryableMethods = List.copyOf(retryableMethods);
    this.factory = factory;
  }

  public ClientBuilder<C> target(Target value) {
    this.target = requireNonNull(value, "target is null");
    return this;
  }

  /** {@code host:port}. */
  public ClientBuilder<C> target(String hostPort) {
    return target(Target.parse(hostPort));
  }

  /** TLS, trusting the system's certificate authorities. */
  public ClientBuilder<C> tls() {
    this.tls = true;
    this.trustCertificates = Optional.empty();
    return this;
  }

  /** TLS, trusting only the certificates in this PEM file (e.g. a self-signed server certificate). */
  public ClientBuilder<C> tls(Path trustCertificatesPem) {
    this.tls = true;
    this.trustCertificates = Optional.of(requireNonNull(trustCertificatesPem, "trustCertificatesPem is null"));
    return this;
  }

  /**
   * Sends {@code authorization: Bearer token} with every call (a JWT, or a static token of the server's token
   * file). Over plaintext only to a loopback address: elsewhere calls fail UNAUTHENTICATED unless TLS is on.
   */
  public ClientBuilder<C> bearerToken(String value) {
    requireNonNull(value, "token is null");
    if (value.isBlank()) {
      throw new IllegalArgumentException("the bearer token is empty");
    }
    this.token = Optional.of(value.strip());
    return this;
  }

  /** {@link #bearerToken(String)} with the content of {@code file} (surrounding whitespace dropped). */
  public ClientBuilder<C> bearerTokenFile(Path file) {
    try {
      return bearerToken(Files.readString(file, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the token file " + file, e);
    }
  }

  /** TLS with a client certificate (mTLS): the server knows the caller by the certificate's subject. */
  public ClientBuilder<C> clientCertificate(Path certificateChainPem, Path privateKeyPem) {
    this.tls = true;
    this.clientCertificate = Optional.of(new Path[] {requireNonNull(certificateChainPem, "certificate is null"),
        requireNonNull(privateKeyPem, "private key is null")});
    return this;
  }

  /** Where {@code DLF_TOKEN} and {@code DLF_TOKEN_FILE} are read when no token was given; tests replace it. */
  ClientBuilder<C> environment(Map<String, String> value) {
    this.environment = Map.copyOf(value);
    return this;
  }

  /** The deadline of each unary call, retries included. */
  public ClientBuilder<C> deadline(Duration value) {
    this.deadline = positive(value, "deadline");
    return this;
  }

  /** The deadline of each streaming call (watching a job): long, but never unbounded. */
  public ClientBuilder<C> streamDeadline(Duration value) {
    this.streamDeadline = positive(value, "stream deadline");
    return this;
  }

  public ClientBuilder<C> retry(RetryPolicy value) {
    this.retry = requireNonNull(value, "retry policy is null");
    return this;
  }

  /** Opens the channel lazily: nothing is dialled until the first call. */
  public C build() {
    if (token.isEmpty() && environment.get("DLF_TOKEN") != null) {
      bearerToken(environment.get("DLF_TOKEN"));
    } else if (token.isEmpty() && environment.get("DLF_TOKEN_FILE") != null) {
      bearerTokenFile(Path.of(environment.get("DLF_TOKEN_FILE")));
    }
    return factory.apply(new Connection(server, target, new ConnectionSecurity(tls, trustCertificates,
        clientCertificate, token), deadline, streamDeadline, retry.serviceConfig(retryableMethods)));
  }

  private static Duration positive(Duration value, String what) {
    requireNonNull(value, what + " is null");
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(what + " " + value + " must be positive");
    }
    return value;
  }
}
