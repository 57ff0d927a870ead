package io.dlf.client;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Configures a client: where its server listens, plaintext or TLS, the deadline every call gets,
 * and how safe calls are retried. Defaults: plaintext, 30 s per call, 24 h per watch stream,
 * {@link RetryPolicy#DEFAULT}.
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
    return factory.apply(new Connection(server, target, tls, trustCertificates, deadline, streamDeadline,
        retry.serviceConfig(retryableMethods)));
  }

  private static Duration positive(Duration value, String what) {
    requireNonNull(value, what + " is null");
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(what + " " + value + " must be positive");
    }
    return value;
  }
}
