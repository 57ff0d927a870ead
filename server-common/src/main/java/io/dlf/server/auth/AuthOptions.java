package io.dlf.server.auth;

import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The command-line options of who may call a server, the same on every DLF server (a picocli mixin). */
public final class AuthOptions {
  /** Whether the TLS handshake insists on a client certificate. */
  public enum ClientAuth { REQUIRE, OPTIONAL }

  @Spec(Spec.Target.MIXEE)
  CommandSpec command;

  @Option(names = "--auth-jwt-keys", paramLabel = "FILE",
      description = "Accept bearer JWTs signed by these keys: a PEM public key (RSA or EC) or a JWKS file; the "
          + "token's sub is the principal (default: none).")
  Path jwtKeys;

  @Option(names = "--auth-jwt-issuer", paramLabel = "ISS", description = "The iss a JWT must carry (default: any).")
  String jwtIssuer;

  @Option(names = "--auth-jwt-audience", paramLabel = "AUD",
      description = "An aud a JWT must carry (default: any).")
  String jwtAudience;

  @Option(names = "--auth-tokens", paramLabel = "FILE",
      description = "Accept the static bearer tokens of this file, lines 'principal = sha256:HEX' (default: none).")
  Path tokenFile;

  @Option(names = "--tls-client-ca", paramLabel = "PEM",
      description = "With --tls-cert: client certificates signed by these CAs identify callers by their subject's "
          + "CN (mTLS; default: none).")
  Path clientCa;

  @Option(names = "--tls-client-auth", paramLabel = "MODE", defaultValue = "REQUIRE",
      description = "With --tls-client-ca: REQUIRE refuses TLS clients without a certificate, OPTIONAL lets them "
          + "come with a token (default: ${DEFAULT-VALUE}).")
  ClientAuth clientAuth;

  @Option(names = "--auth-policy", paramLabel = "FILE",
      description = "Roles per principal, lines 'principal = role, role:scope' (default: every authenticated caller "
          + "has every role).")
  Path policyFile;

  @Option(names = "--auth-open-health", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "grpc.health.v1 answers without credentials (default: ${DEFAULT-VALUE}).")
  boolean openHealth;

  @Option(names = "--auth-open-reflection", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "Server reflection answers without credentials (default: ${DEFAULT-VALUE}).")
  boolean openReflection;

  @Option(names = "--allow-unauthenticated-network",
      description = "Listen beyond loopback (--host) with nobody authenticated: anyone who reaches the port may call "
          + "everything; logged as a warning (default: off, such a start is refused).")
  boolean allowUnauthenticatedNetwork;

  /**
   * The configuration these options describe.
   *
   * @throws ParameterException naming the options that do not go together
   */
  public AuthConfig config() {
    try {
      return new AuthConfig(Optional.ofNullable(jwtKeys), Optional.ofNullable(jwtIssuer),
          Optional.ofNullable(jwtAudience), Optional.ofNullable(tokenFile), Optional.ofNullable(clientCa),
          clientCa != null && clientAuth == ClientAuth.REQUIRE, Optional.ofNullable(policyFile), openHealth,
          openReflection, allowUnauthenticatedNetwork);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(command.commandLine(), e.getMessage(), e);
    }
  }
}
