package io.dlf.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dlf.proto.serving.v1.ModelStatus;
import io.dlf.server.auth.AuthConfig;
import io.dlf.server.testing.SecureSetup;
import io.dlf.serving.ServingConfig;
import io.dlf.serving.ServingServer;
import io.grpc.Status;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java client's credentials against serving servers that require them: a JWT or a client certificate over
 * TLS, a static token (argument, file, $DLF_TOKEN) on loopback, refusals as one clear line, and no token sent in
 * plaintext beyond loopback.
 */
@Tag("e2e")
class ClientCredentialsTest {

  @Test
  void aTokenOrACertificateGetsInAndRefusalsSayWhy(@TempDir Path dir) throws Exception {
    try (SecureSetup setup = SecureSetup.create(dir, List.of("admin = predict, models.manage", "reader = models.read"))) {
      ServingServer server = ServingServer.create(ServingConfig.local(Files.createDirectories(dir.resolve("models")))
          .withGrpc(setup.grpc()).withAuth(setup.auth()));
      server.start();
      String target = "localhost:" + server.port();
      try {
        try (PredictionClient admin = PredictionClient.builder().target(target).tls(setup.pki().caFile())
            .bearerToken(setup.tokens().jwt("admin")).build()) {
          assertEquals(List.of(), admin.models());
        }
        Path[] reader = setup.pki().client("reader");
        try (PredictionClient client = PredictionClient.builder().target(target).tls(setup.pki().caFile())
            .clientCertificate(reader[0], reader[1]).build()) {
          assertEquals(List.<ModelStatus>of(), client.models());
          DlfException denied = assertThrows(DlfException.class, () -> client.setLabel("ctr", "prod", 1));
          assertEquals(Status.Code.PERMISSION_DENIED, denied.code());
          assertEquals("SetLabel on the serving server at " + target + ": PERMISSION_DENIED: 'reader' may not call "
              + "dlf.serving.v1.ModelService/SetLabel: that needs the role models.manage, which the server's policy "
              + "does not grant it", denied.getMessage());
        }
        try (PredictionClient nobody = PredictionClient.builder().target(target).tls(setup.pki().caFile())
            .environment(Map.of()).build()) {
          DlfException e = assertThrows(DlfException.class, nobody::models);
          assertEquals(Status.Code.UNAUTHENTICATED, e.code());
          assertEquals("ListModels on the serving server at " + target + ": UNAUTHENTICATED: the serving server needs "
              + "credentials: a bearer token (authorization: Bearer TOKEN) or a client certificate", e.getMessage());
        }
      } finally {
        server.stop();
      }
    }
  }

  @Test
  void staticTokensComeFromTheArgumentAFileOrTheEnvironment(@TempDir Path dir) throws Exception {
    Path tokens = dir.resolve("tokens.txt");
    Files.writeString(tokens, "ci = sha256:" + io.dlf.server.auth.TokenFile.sha256("ci-token-0123456789") + "\n");
    Path tokenFile = dir.resolve("ci.token");
    Files.writeString(tokenFile, "ci-token-0123456789\n");
    ServingServer server = ServingServer.create(ServingConfig.local(Files.createDirectories(dir.resolve("models")))
        .withAuth(AuthConfig.none().withTokenFile(tokens)));
    server.start();
    try {
      for (ClientBuilder<PredictionClient> builder : List.of(
          PredictionClient.builder().bearerToken("ci-token-0123456789"),
          PredictionClient.builder().bearerTokenFile(tokenFile),
          PredictionClient.builder().environment(Map.of("DLF_TOKEN", "ci-token-0123456789")),
          PredictionClient.builder().environment(Map.of("DLF_TOKEN_FILE", tokenFile.toString())))) {
        try (PredictionClient client = builder.target(server.target()).build()) {
          assertEquals(List.of(), client.models());
        }
      }
      try (PredictionClient wrong = PredictionClient.builder().target(server.target()).bearerToken("guessed").build()) {
        DlfException e = assertThrows(DlfException.class, wrong::models);
        assertTrue(e.getMessage().endsWith("UNAUTHENTICATED: the bearer token is not one of the server's tokens"),
            e.getMessage());
      }
    } finally {
      server.stop();
    }
  }

  @Test
  void noTokenTravelsInPlaintextBeyondLoopback(@TempDir Path dir) throws Exception {
    Optional<InetAddress> address = NetworkInterface.networkInterfaces()
        .flatMap(NetworkInterface::inetAddresses)
        .filter(a -> a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress()).findFirst();
    Assumptions.assumeTrue(address.isPresent(), "this machine has no non-loopback IPv4 address");
    ServingServer server = ServingServer.create(ServingConfig.local(Files.createDirectories(dir.resolve("models")))
        .withGrpc(ServingConfig.local(dir).grpc().withHost(address.get().getHostAddress()).withMetricsPort(-1))
        .withAuth(AuthConfig.none().withAllowUnauthenticatedNetwork(true)));
    server.start();
    try (PredictionClient client = PredictionClient.builder().target(server.target()).bearerToken("secret").build()) {
      DlfException e = assertThrows(DlfException.class, client::models);
      assertEquals(Status.Code.UNAUTHENTICATED, e.code());
      assertTrue(e.serverMessage().startsWith("this client does not send its bearer token in plaintext to "
          + server.target()), e.serverMessage());
    } finally {
      server.stop();
    }
  }
}
