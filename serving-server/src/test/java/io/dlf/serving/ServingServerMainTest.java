package io.dlf.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dlf.serving.predict.BatchingConfig;
import io.dlf.serving.repository.RepositoryConfig;
import io.dlf.serving.version.LabelAssignment;
import io.dlf.serving.version.VersionPolicy;
import io.dlf.serving.version.VersionsConfig;
import io.dlf.server.GrpcServerConfig;
import io.dlf.server.OptionsReadme;
import io.dlf.server.auth.AuthConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The command line's defaults, and every option's mapping onto the configuration. */
class ServingServerMainTest {

  private static ServingConfig parse(String... args) {
    CommandLine cli = ServingServerMain.commandLine();
    cli.parseArgs(args);
    return cli.<ServingServerMain>getCommand().config();
  }

  @Test
  void defaults() {
    ServingConfig config = parse("--model-repository", "models");
    assertEquals(new GrpcServerConfig("127.0.0.1", 8500, 8502, Optional.empty(), Optional.empty(), 16, 64 << 20,
        Duration.ofSeconds(10)), config.grpc());
    assertEquals(new RepositoryConfig(Path.of("models"), Duration.ofSeconds(5)), config.repository());
    assertEquals(VersionsConfig.defaults(), config.versions());
    assertEquals(BatchingConfig.defaults(), config.batching());
  }

  @Test
  void everyOption() {
    ServingConfig config = parse("-r", "/srv/models", "--host", "0.0.0.0", "--port", "9000", "--metrics-port", "-1",
        "--tls-cert", "cert.pem", "--tls-key", "key.pem", "--handler-threads", "4", "--max-message-bytes", "2048",
        "--shutdown-grace", "PT3S", "--poll-interval", "250ms", "--version-policy", "all",
        "--model-policy", "ctr=latest:2", "--model-policy", "cvr=specific:3,5",
        "--label", "ctr:stable=3", "--label", "ctr:canary=4", "--load-threads", "2", "--warmup-iterations", "0",
        "--tf-intra-threads", "2", "--tf-inter-threads", "2", "--no-batching", "--max-batch-size", "64",
        "--max-queue-delay", "2ms", "--max-queue-size", "10", "--max-concurrent-batches", "3",
        "--max-examples-per-request", "100");
    assertEquals(new GrpcServerConfig("0.0.0.0", 9000, -1, Optional.of(Path.of("cert.pem")),
        Optional.of(Path.of("key.pem")), 4, 2048, Duration.ofSeconds(3)), config.grpc());
    assertEquals(new RepositoryConfig(Path.of("/srv/models"), Duration.ofMillis(250)), config.repository());
    assertEquals(new VersionsConfig(new VersionPolicy.All(),
        Map.of("ctr", VersionPolicy.parse("latest:2"), "cvr", VersionPolicy.parse("specific:3,5")),
        List.of(new LabelAssignment("ctr", "stable", 3), new LabelAssignment("ctr", "canary", 4)), 2, 0, 2, 2),
        config.versions());
    assertEquals(new BatchingConfig(false, 64, Duration.ofMillis(2), 10, 3, 100), config.batching());
  }

  @Test
  void theReadmeListsEveryOptionWithItsDefault() throws Exception {
    assertEquals(List.of(), OptionsReadme.problems(ServingServerMain.commandLine().getCommandSpec(), Path.of("README.md")));
  }

  @Test
  void badValuesAreNamed() {
    assertTrue(assertThrows(IllegalArgumentException.class, () -> parse("-r", "m", "--model-policy", "ctr"))
        .getMessage().contains("MODEL=POLICY"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> parse("-r", "m", "--max-queue-size", "0"))
        .getMessage().contains("max queue size 0"));
    assertTrue(assertThrows(CommandLine.ParameterException.class, () -> parse("-r", "m", "--poll-interval", "soon"))
        .getMessage().contains("250ms"));
    assertTrue(assertThrows(CommandLine.ParameterException.class, () -> parse("-r", "m", "--tls-key", "k.pem"))
        .getMessage().contains("--tls-cert and --tls-key go together"));
  }

  @Test
  void authOptionsAreReadAndAPolicyWithoutAuthenticationIsRefused() {
    AuthConfig auth = parse("-r", "m", "--auth-jwt-keys", "jwks.json", "--auth-jwt-issuer", "https://idp",
        "--auth-tokens", "tokens.txt", "--tls-client-ca", "ca.pem", "--tls-client-auth", "OPTIONAL",
        "--auth-policy", "policy.txt", "--no-auth-open-reflection", "--allow-unauthenticated-network").auth();
    assertEquals(new AuthConfig(Optional.of(Path.of("jwks.json")), Optional.of("https://idp"), Optional.empty(),
        Optional.of(Path.of("tokens.txt")), Optional.of(Path.of("ca.pem")), false, Optional.of(Path.of("policy.txt")),
        true, false, true), auth);
    assertEquals(AuthConfig.none(), parse("-r", "m").auth());
    assertTrue(assertThrows(CommandLine.ParameterException.class, () -> parse("-r", "m", "--auth-policy", "p.txt"))
        .getMessage().contains("nobody is authenticated"));
  }

  @Test
  void listeningBeyondLoopbackWithoutAuthenticationEndsTheStart() {
    assertEquals(2, ServingServerMain.commandLine().execute("-r", "m", "--host", "0.0.0.0", "--metrics-port", "-1"));
  }
}
