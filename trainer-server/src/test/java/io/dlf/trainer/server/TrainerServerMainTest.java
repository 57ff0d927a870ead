package io.dlf.trainer.server;

import static io.dlf.trainer.server.StatusAssertions.assertStatus;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dlf.proto.trainer.v1.GetJobRequest;
import io.dlf.proto.trainer.v1.TrainerServiceGrpc;
import io.dlf.server.GrpcServerConfig;
import io.dlf.server.OptionsReadme;
import io.dlf.trainer.server.postgres.DatabaseSettings;
import io.dlf.trainer.server.store.FileJobStore;
import io.dlf.trainer.server.workers.WorkerSettings;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status.Code;
import io.grpc.TlsChannelCredentials;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The command line's options, and the server they configure. The TLS files under
 * {@code src/test/resources/tls} are a self-signed pair for localhost and 127.0.0.1, made with
 * {@code openssl req -x509 -newkey rsa:2048 -nodes -days 36500 -subj /CN=localhost
 * -addext subjectAltName=DNS:localhost,IP:127.0.0.1}.
 */
class TrainerServerMainTest {

  /** Parsed as the launch script of a checkout at {@code home} would, without $DLF_DATA. */
  private static TrainerServerMain parse(Path home, String... args) {
    CommandLine cli = TrainerServerMain.commandLine(home, Map.of());
    cli.parseArgs(args);
    return cli.getCommand();
  }

  private static TrainerServerMain parse(String... args) {
    return parse(Path.of(""), args);
  }

  @Test
  void optionsMapOntoTheConfigs() {
    TrainerServerMain main = parse("--host", "0.0.0.0", "--port", "7001", "--metrics-port", "-1", "--data-dir", "/srv/t",
        "--data-root", "/data/a", "--data-root", "/data/b", "--cpu-jobs", "2", "--gpu-jobs", "3", "--queue-size", "5",
        "--cpu-only", "--tf-intra-threads", "4", "--tf-inter-threads", "2", "--shutdown-grace", "9s",
        "--tls-cert", "c.pem", "--tls-key", "k.pem", "--handler-threads", "3", "--max-message-bytes", "4096",
        "--worker-heap", "3g", "--worker-jvm-option", "-XX:+UseSerialGC", "--worker-classpath", "/w/a.jar:/w/b.jar",
        "--max-attempts", "4");
    assertEquals(new TrainerServerConfig(Path.of("/srv/t"), Path.of("/srv/t/models"),
        List.of(Path.of("/data/a"), Path.of("/data/b")), 2, 3, 5, false, 4, 2, Duration.ofSeconds(9), 0,
        new WorkerSettings("/w/a.jar:/w/b.jar", "3g", List.of("-XX:+UseSerialGC"), 4)),
        main.trainerConfig());
    GrpcServerConfig grpc = main.grpcConfig();
    assertEquals("0.0.0.0", grpc.host());
    assertEquals(7001, grpc.port());
    assertEquals(-1, grpc.metricsPort());
    assertEquals(Optional.of(Path.of("c.pem")), grpc.tlsCertificateChain());
    assertEquals(Optional.of(Path.of("k.pem")), grpc.tlsPrivateKey());
    assertEquals(3, grpc.handlerThreads());
    assertEquals(4096, grpc.maxInboundMessageBytes());
    assertEquals(Duration.ofSeconds(9), grpc.shutdownGrace());
  }

  @Test
  void defaultsKeepModelsBesideJobsAndListenLocally() {
    TrainerServerMain main = parse("--data-root", "/data");
    assertEquals(Path.of("data/models"), main.trainerConfig().modelsDir());
    assertEquals(true, main.trainerConfig().useGpus());
    assertEquals("127.0.0.1", main.grpcConfig().host());
    assertEquals(7070, main.grpcConfig().port());
    assertEquals(9091, main.grpcConfig().metricsPort());
    assertTrue(main.grpcConfig().tlsCertificateChain().isEmpty());
    assertEquals(new GrpcServerConfig("127.0.0.1", 7070, 9091, Optional.empty(), Optional.empty(), 8, 64 << 20,
        Duration.ofSeconds(60)), main.grpcConfig());
    assertEquals(Duration.ofSeconds(60), main.trainerConfig().pauseTimeout());
    assertThrows(CommandLine.ParameterException.class, () -> parse("--tls-cert", "c.pem").grpcConfig());
  }

  @Test
  void defaultPathsLieInTheCheckoutAndGivenPathsInTheWorkingDirectory(@TempDir Path dir) {
    Path home = dir.resolve("platform");
    TrainerServerConfig defaults = parse(home).trainerConfig();
    assertEquals(home.resolve("data"), defaults.dataDir());
    assertEquals(home.resolve("data/models"), defaults.modelsDir());
    assertEquals(List.of(dir.resolve("shared/data")), defaults.dataRoots());

    TrainerServerConfig given = parse(home, "--data-dir", "mine", "--data-root", "here").trainerConfig();
    assertEquals(Path.of("mine"), given.dataDir());
    assertEquals(List.of(Path.of("here")), given.dataRoots());

    CommandLine withDlfData = TrainerServerMain.commandLine(home, Map.of("DLF_DATA", "/srv/datasets"));
    withDlfData.parseArgs();
    assertEquals(List.of(Path.of("/srv/datasets")), withDlfData.<TrainerServerMain>getCommand().trainerConfig().dataRoots());
  }

  @Test
  void aSharedDatabaseAndARoleComeFromOptionsOrTheEnvironment(@TempDir Path dir) throws Exception {
    Path password = dir.resolve("password");
    Files.writeString(password, "s3cret\n");
    TrainerServerConfig host = parse("--role", "worker-host", "--database-url", "jdbc:postgresql://db:5432/dlf",
        "--database-user", "dlf", "--database-password-file", password.toString(), "--host-name", "gpu-7",
        "--lease-timeout", "45s", "--heartbeat-interval", "2s", "--backfill-limit", "3m",
        "--cluster-address", "10.0.0.7").trainerConfig();
    assertEquals(new ClusterSettings(TrainerRole.WORKER_HOST,
        new DatabaseSettings("jdbc:postgresql://db:5432/dlf", "dlf", "s3cret"), "gpu-7", Duration.ofSeconds(45),
        Duration.ofSeconds(2), Duration.ofMillis(250), Duration.ofMinutes(3), Optional.of("10.0.0.7")),
        host.cluster().orElseThrow());

    CommandLine fromEnvironment = TrainerServerMain.commandLine(dir, Map.of("DLF_DATABASE_URL",
        "jdbc:postgresql://db/dlf", "DLF_DATABASE_USER", "u", "DLF_DATABASE_PASSWORD", "p"));
    fromEnvironment.parseArgs("--role", "control-plane", "--host-name", "api-1");
    ClusterSettings plane = fromEnvironment.<TrainerServerMain>getCommand().trainerConfig().cluster().orElseThrow();
    assertEquals(TrainerRole.CONTROL_PLANE, plane.role());
    assertEquals(new DatabaseSettings("jdbc:postgresql://db/dlf", "u", "p"), plane.database());

    assertEquals(Optional.empty(), parse().trainerConfig().cluster(), "no database: the embedded trainer");
    IllegalArgumentException alone = assertThrows(IllegalArgumentException.class,
        () -> parse("--role", "control-plane").trainerConfig());
    assertTrue(alone.getMessage().contains("--database-url"), alone.getMessage());
    assertThrows(CommandLine.ParameterException.class, () -> parse("--role", "everything"));
    IllegalArgumentException notPostgres = assertThrows(IllegalArgumentException.class,
        () -> parse("--database-url", "jdbc:mysql://db/dlf?password=x").trainerConfig());
    assertTrue(notPostgres.getMessage().contains("'jdbc:mysql://db/dlf'"), "no password in the message: "
        + notPostgres.getMessage());
  }

  @Test
  void helpShowsTheDefaultsInTheCheckout(@TempDir Path dir) {
    String help = TrainerServerMain.commandLine(dir, Map.of()).getUsageMessage().replaceAll("\\s+", " ");
    assertTrue(help.contains("(default: " + dir.resolve("data") + ")"), help);
    assertTrue(help.contains("(default: 60s)"), help);
  }

  @Test
  void theReadmeListsEveryOptionWithItsDefault() throws Exception {
    assertEquals(List.of(), OptionsReadme.problems(
        TrainerServerMain.commandLine(Path.of(""), Map.of()).getCommandSpec(), Path.of("README.md")));
  }

  @Test
  void theJobMemoryLimitTakesBinaryUnitsAndIsDerivedWhenAbsent() {
    assertEquals(6L << 30, parse("--job-memory-limit", "6g").trainerConfig().jobMemoryLimit());
    assertEquals(512L << 20, parse("--job-memory-limit", "512MiB").trainerConfig().jobMemoryLimit());
    assertEquals(1_000_000, parse("--job-memory-limit", "1000000").trainerConfig().jobMemoryLimit());
    assertEquals(0, parse().trainerConfig().jobMemoryLimit(), "0: derived from the machine");
    for (String bad : List.of("lots", "0", "-1g", "9999999t", "6ib")) {
      assertThrows(CommandLine.ParameterException.class, () -> parse("--job-memory-limit", bad), bad);
    }
  }

  @Test
  void aDataRootThatIsNotThereStopsTheStartWithItsName(@TempDir Path dir) throws Exception {
    Path missing = dir.resolve("no-such-folder");
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> TrainerServer.create(RunningTrainer.config(dir.resolve("trainer"), missing), GrpcServerConfig.local()));
    assertTrue(e.getMessage().contains(missing + " is not a folder"), e.getMessage());
    FileJobStore.open(dir.resolve("trainer")).close(); // the failed start did not keep the data folder locked
  }

  @Test
  @Tag("e2e")
  void withTlsConfiguredOnlyTlsClientsGetIn(@TempDir Path dir) throws Exception {
    Path tls = Path.of(TrainerServerMainTest.class.getResource("/tls/server.crt").toURI()).getParent();
    GrpcServerConfig grpc = GrpcServerConfig.local().withMetricsPort(-1)
        .withTls(tls.resolve("server.crt"), tls.resolve("server.key"));
    TrainerServer server = TrainerServer.create(RunningTrainer.config(dir, dir), grpc);
    server.start();
    ManagedChannel secure = Grpc.newChannelBuilder(server.target(),
        TlsChannelCredentials.newBuilder().trustManager(tls.resolve("server.crt").toFile()).build()).build();
    ManagedChannel plain = ManagedChannelBuilder.forTarget(server.target()).usePlaintext().build();
    try {
      GetJobRequest unknown = GetJobRequest.newBuilder().setJobId("no-such-job").build();
      assertStatus(Code.NOT_FOUND, () -> TrainerServiceGrpc.newBlockingStub(secure)
          .withDeadlineAfter(10, TimeUnit.SECONDS).getJob(unknown));
      assertStatus(Code.UNAVAILABLE, () -> TrainerServiceGrpc.newBlockingStub(plain)
          .withDeadlineAfter(10, TimeUnit.SECONDS).getJob(unknown));
    } finally {
      secure.shutdownNow();
      plain.shutdownNow();
      server.stop();
    }
  }
}
