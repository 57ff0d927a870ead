package io.dlf.server.auth;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Who may call a server, and how callers prove it. Without any of {@code jwtKeys}, {@code tokenFile} and
 * {@code clientCa} nobody is authenticated: the server must then listen on loopback only, unless
 * {@code allowUnauthenticatedNetwork}.
 *
 * @param jwtKeys a PEM public key or a JWKS file: bearer JWTs signed by these keys are accepted
 * @param jwtIssuer with {@code jwtKeys}: the {@code iss} a JWT must carry
 * @param jwtAudience with {@code jwtKeys}: an {@code aud} a JWT must carry
 * @param tokenFile static bearer tokens, hashed ({@link TokenFile})
 * @param clientCa with TLS: client certificates signed by these CAs identify callers (their subject's CN)
 * @param clientCertificateRequired with {@code clientCa}: the TLS handshake refuses clients without a certificate
 *     (else they may still come with a token)
 * @param policyFile each principal's roles ({@link PolicyFile}); absent: every authenticated caller has every role
 * @param openHealth whether {@code grpc.health.v1} answers without credentials
 * @param openReflection whether server reflection answers without credentials
 * @param allowUnauthenticatedNetwork listen beyond loopback with nobody authenticated (logged as a warning)
 */
public record AuthConfig(
    Optional<Path> jwtKeys,
    Optional<String> jwtIssuer,
    Optional<String> jwtAudience,
    Optional<Path> tokenFile,
    Optional<Path> clientCa,
    boolean clientCertificateRequired,
    Optional<Path> policyFile,
    boolean openHealth,
    boolean openReflection,
    boolean allowUnauthenticatedNetwork) {

  public AuthConfig {
    requireNonNull(jwtKeys, "jwtKeys is null");
    requireNonNull(jwtIssuer, "jwtIssuer is null");
    requireNonNull(jwtAudience, "jwtAudience is null");
    requireNonNull(tokenFile, "tokenFile is null");
    requireNonNull(clientCa, "clientCa is null");
    requireNonNull(policyFile, "policyFile is null");
    if (jwtKeys.isEmpty() && (jwtIssuer.isPresent() || jwtAudience.isPresent())) {
      throw new IllegalArgumentException("--auth-jwt-issuer and --auth-jwt-audience need --auth-jwt-keys");
    }
    if (clientCertificateRequired && clientCa.isEmpty()) {
      throw new IllegalArgumentException("--tls-client-auth require needs --tls-client-ca");
    }
    if (policyFile.isPresent() && jwtKeys.isEmpty() && tokenFile.isEmpty() && clientCa.isEmpty()) {
      throw new IllegalArgumentException("--auth-policy names principals, but nobody is authenticated: add "
          + "--auth-jwt-keys, --auth-tokens or --tls-client-ca");
    }
  }

  /** Nobody authenticated; health and reflection open; loopback only. */
  public static AuthConfig none() {
    return new AuthConfig(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
        false, Optional.empty(), true, true, false);
  }

  /** Whether callers are authenticated (by token or certificate). */
  public boolean authenticates() {
    return bearerTokens() || clientCa.isPresent();
  }

  /** Whether bearer tokens are accepted (which must not cross the network in plaintext). */
  public boolean bearerTokens() {
    return jwtKeys.isPresent() || tokenFile.isPresent();
  }

  public AuthConfig withJwt(Path keys) {
    return new AuthConfig(Optional.of(keys), jwtIssuer, jwtAudience, tokenFile, clientCa, clientCertificateRequired,
        policyFile, openHealth, openReflection, allowUnauthenticatedNetwork);
  }

  public AuthConfig withTokenFile(Path file) {
    return new AuthConfig(jwtKeys, jwtIssuer, jwtAudience, Optional.of(file), clientCa, clientCertificateRequired,
        policyFile, openHealth, openReflection, allowUnauthenticatedNetwork);
  }

  public AuthConfig withClientCa(Path ca, boolean required) {
    return new AuthConfig(jwtKeys, jwtIssuer, jwtAudience, tokenFile, Optional.of(ca), required, policyFile,
        openHealth, openReflection, allowUnauthenticatedNetwork);
  }

  public AuthConfig withPolicy(Path file) {
    return new AuthConfig(jwtKeys, jwtIssuer, jwtAudience, tokenFile, clientCa, clientCertificateRequired,
        Optional.of(file), openHealth, openReflection, allowUnauthenticatedNetwork);
  }

  public AuthConfig withAllowUnauthenticatedNetwork(boolean value) {
    return new AuthConfig(jwtKeys, jwtIssuer, jwtAudience, tokenFile, clientCa, clientCertificateRequired,
        policyFile, openHealth, openReflection, value);
  }
}
