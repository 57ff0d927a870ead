package io.dlf.server.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import io.dlf.server.GrpcServerConfig;
import io.dlf.server.GrpcServerModule;
import io.dlf.server.GrpcServerService;
import io.dlf.server.testing.Bearer;
import io.dlf.server.testing.SecureSetup;
import io.grpc.ManagedChannel;
import com.google.inject.ProvisionException;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.protobuf.services.HealthStatusManager;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server with no authentication stays on loopback unless told otherwise, tokens never travel in plaintext off
 * loopback, and health stays open (or closes when configured) on a secured server.
 */
class SafeDefaultsTest {
  private static final AccessRules NO_METHODS = new AccessRules("test server", List.of(), Map.of());

  private static GrpcServerService server(GrpcServerConfig grpc, AuthConfig auth) {
    return new GrpcServerService("test", grpc.withMetricsPort(-1), auth, Set.of(), Set.of(), new HealthStatusManager(),
        new PrometheusRegistry());
  }

  @Test
  void listeningBeyondLoopbackWithoutAuthenticationNeedsTheExplicitFlag(@TempDir Path dir) throws Exception {
    GrpcServerConfig everywhere = GrpcServerConfig.local().withHost("0.0.0.0");
    String refused = assertThrows(IllegalStateException.class, () -> server(everywhere, AuthConfig.none())).getMessage();
    assertTrue(refused.startsWith("test refuses to listen on 0.0.0.0 with no authentication"), refused);
    assertTrue(refused.contains("--allow-unauthenticated-network"), refused);
    server(everywhere, AuthConfig.none().withAllowUnauthenticatedNetwork(true)).close();
    server(GrpcServerConfig.local(), AuthConfig.none()).close();
    server(GrpcServerConfig.local().withHost("localhost"), AuthConfig.none()).close();

    Path tokens = dir.resolve("tokens.txt");
    java.nio.file.Files.writeString(tokens, "ci = sha256:" + TokenFile.sha256("t") + "\n");
    String plaintext = assertThrows(IllegalStateException.class,
        () -> server(everywhere, AuthConfig.none().withTokenFile(tokens))).getMessage();
    assertTrue(plaintext.startsWith("test refuses to take bearer tokens over plaintext on 0.0.0.0"), plaintext);
    server(GrpcServerConfig.local(), AuthConfig.none().withTokenFile(tokens)).close();

    assertEquals("test: --tls-client-ca needs TLS: add --tls-cert and --tls-key", assertThrows(
        IllegalStateException.class, () -> server(GrpcServerConfig.local(),
            AuthConfig.none().withClientCa(tokens, false))).getMessage());
  }

  @Test
  void aBadPolicyFileStopsTheWiringWithItsLine(@TempDir Path dir) throws Exception {
    try (SecureSetup setup = SecureSetup.create(dir, List.of("alice = jobs.submit"))) {
      ProvisionException e = assertThrows(ProvisionException.class, () -> injector(setup.grpc(), setup.auth(), false)
          .getInstance(GrpcServerService.class));
      assertTrue(e.getMessage().contains(dir.resolve("policy.txt") + ":1: unknown role 'jobs.submit'"), e.getMessage());
    }
  }

  @Test
  @Tag("e2e")
  void healthIsOpenUnlessClosedAndEverythingElseNeedsCredentials(@TempDir Path dir) throws Exception {
    try (SecureSetup setup = SecureSetup.create(dir, List.of())) {
      for (boolean openHealth : new boolean[] {true, false}) {
        GrpcServerService server = injector(setup.grpc(), setup.auth(), openHealth)
            .getInstance(GrpcServerService.class);
        server.start();
        try {
          ManagedChannel channel = setup.channel("localhost:" + server.port(), null);
          HealthGrpc.HealthBlockingStub health = HealthGrpc.newBlockingStub(channel)
              .withDeadlineAfter(10, TimeUnit.SECONDS);
          assertEquals(openHealth ? Status.Code.OK : Status.Code.UNAUTHENTICATED,
              SecureSetup.code(() -> health.check(HealthCheckRequest.getDefaultInstance())));
          assertEquals(Status.Code.OK, SecureSetup.code(() -> health.withCallCredentials(
              new Bearer(setup.tokens().jwt("anyone"))).check(HealthCheckRequest.getDefaultInstance())));
        } finally {
          server.stop();
        }
      }
    }
  }

  private static com.google.inject.Injector injector(GrpcServerConfig grpc, AuthConfig auth, boolean openHealth) {
    AuthConfig config = new AuthConfig(auth.jwtKeys(), auth.jwtIssuer(), auth.jwtAudience(), auth.tokenFile(),
        auth.clientCa(), auth.clientCertificateRequired(), auth.policyFile(), openHealth, true, false);
    AccessRules rules = openHealth ? NO_METHODS : new AccessRules("test server", List.of(),
        Map.of("grpc.health.v1.Health/Check", MethodRule.authenticated()));
    return Guice.createInjector(new GrpcServerModule("test"), new AuthModule(config, rules, Map.of()),
        new AbstractModule() {
          @Override
          protected void configure() {
            bind(GrpcServerConfig.class).toInstance(grpc);
          }
        });
  }
}
