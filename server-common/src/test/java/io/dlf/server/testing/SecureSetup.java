package io.dlf.server.testing;

import io.dlf.server.GrpcServerConfig;
import io.dlf.server.auth.AuthConfig;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.TlsChannelCredentials;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A secured server's set-up made for one test: a throwaway CA with a server certificate and client certificates,
 * a JWT key pair (and a second, foreign one), a policy file; the server's TLS and auth configuration, and the
 * channels and credentials of each kind of caller.
 */
public final class SecureSetup implements AutoCloseable {
  /** The ways a test calls: the columns of an access matrix. */
  public enum Caller {
    NO_CREDENTIALS, BAD_TOKEN, EXPIRED_TOKEN, FOREIGN_KEY_TOKEN, TOKEN_WITHOUT_ROLE, TOKEN_WITH_ROLE, CERTIFICATE
  }

  private final TestPki pki;
  private final Path[] server;
  private final TestTokens tokens;
  private final TestTokens foreign;
  private final Path policy;
  private final List<ManagedChannel> channels = new ArrayList<>();

  private SecureSetup(TestPki pki, Path[] server, TestTokens tokens, TestTokens foreign, Path policy) {
    this.pki = pki;
    this.server = server;
    this.tokens = tokens;
    this.foreign = foreign;
    this.policy = policy;
  }

  /** Under {@code dir}, with {@code policyLines} as the policy file. */
  public static SecureSetup create(Path dir, List<String> policyLines) throws IOException, GeneralSecurityException {
    TestPki pki = TestPki.create(dir.resolve("pki"), "dlf-test-ca");
    Path policy = dir.resolve("policy.txt");
    Files.write(policy, policyLines, StandardCharsets.UTF_8);
    return new SecureSetup(pki, pki.server(), TestTokens.create(dir.resolve("jwt.pem")),
        TestTokens.create(dir.resolve("foreign-jwt.pem")), policy);
  }

  public TestPki pki() {
    return pki;
  }

  public TestTokens tokens() {
    return tokens;
  }

  /** Loopback, free ports, no metrics, TLS with the test server certificate. */
  public GrpcServerConfig grpc() {
    return GrpcServerConfig.local().withMetricsPort(-1).withTls(server[0], server[1]);
  }

  /** JWTs of {@link #tokens()} and client certificates of the test CA (optional), roles from the policy file. */
  public AuthConfig auth() {
    return AuthConfig.none().withJwt(tokens.publicKeyFile()).withClientCa(pki.caFile(), false).withPolicy(policy);
  }

  /** A TLS channel to {@code target} trusting the test CA, presenting {@code clientName}'s certificate unless null. */
  public ManagedChannel channel(String target, String clientName) throws IOException, GeneralSecurityException {
    TlsChannelCredentials.Builder tls = TlsChannelCredentials.newBuilder().trustManager(pki.caFile().toFile());
    if (clientName != null) {
      Path[] client = pki.client(clientName);
      tls.keyManager(client[0].toFile(), client[1].toFile());
    }
    ChannelCredentials credentials = tls.build();
    ManagedChannel channel = Grpc.newChannelBuilder(target, credentials).overrideAuthority("localhost").build();
    channels.add(channel);
    return channel;
  }

  /**
   * The token {@code caller} sends ({@code null}: none), where {@code withRole} is a principal the policy grants
   * the role under test and {@code withoutRole} one it does not.
   */
  public String token(Caller caller, String withRole, String withoutRole) {
    return switch (caller) {
      case NO_CREDENTIALS, CERTIFICATE -> null;
      case BAD_TOKEN -> "not-a-token";
      case EXPIRED_TOKEN -> tokens.jwt(withRole, Duration.ofMinutes(-5));
      case FOREIGN_KEY_TOKEN -> foreign.jwt(withRole);
      case TOKEN_WITHOUT_ROLE -> tokens.jwt(withoutRole);
      case TOKEN_WITH_ROLE -> tokens.jwt(withRole);
    };
  }

  /** The status a call's failure carries, or OK. */
  public static Status.Code code(Runnable call) {
    try {
      call.run();
      return Status.Code.OK;
    } catch (io.grpc.StatusRuntimeException e) {
      return e.getStatus().getCode();
    }
  }

  @Override
  public void close() {
    channels.forEach(ManagedChannel::shutdownNow);
  }
}
