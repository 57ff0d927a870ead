package io.dlf.bench;

import io.dlf.dsl.testing.ExportedVersions;
import io.dlf.dsl.testing.RandomExamples;
import io.dlf.proto.serving.v1.GetModelMetadataRequest;
import io.dlf.proto.serving.v1.ModelServiceGrpc;
import io.dlf.proto.serving.v1.ModelServiceGrpc.ModelServiceBlockingStub;
import io.dlf.proto.serving.v1.ModelSpec;
import io.dlf.proto.serving.v1.PredictRequest;
import io.dlf.proto.serving.v1.PredictionServiceGrpc;
import io.dlf.proto.serving.v1.PredictionServiceGrpc.PredictionServiceBlockingStub;
import io.dlf.server.GrpcServerConfig;
import io.dlf.server.auth.AuthConfig;
import io.dlf.server.testing.Bearer;
import io.dlf.server.testing.TestTokens;
import io.dlf.serving.ServingConfig;
import io.dlf.serving.ServingServer;
import io.dlf.serving.grpc.PredictRequests;
import io.dlf.serving.repository.RepositoryConfig;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Authentication's cost on the serving hot path: the same Frappe DLF version served by two servers in this JVM,
 * one authenticating nobody and one verifying a JWT on every call (cached after the first; a policy grants
 * {@code predict}), both on loopback plaintext so only authentication differs. Each round times batch-1 calls of
 * one client, the two servers taking turns in chunks, then each server's throughput with closed-loop clients (the
 * order alternating between rounds). Medians over rounds. Writes {@code bench/results/auth-overhead-<date>.md} and
 * {@code bench/results/auth-overhead.json}.
 */
@Command(name = "auth-overhead", mixinStandardHelpOptions = true, sortOptions = false)
public final class AuthOverhead implements Callable<Integer> {
  static final double P50_TARGET_MS = 0.05;
  private static final int DISTINCT_REQUESTS = 256;
  /** Calls of one kind in a row before the next kind's turn: short, so all kinds see the same moments. */
  private static final int LATENCY_CHUNK = 20;

  @Option(names = "--model", paramLabel = "VERSION_DIR",
      description = "A Frappe DLF version folder (default: export dlf-paper at the quality runs' sizes with "
          + "initial weights)")
  Path model;
  @Option(names = "--work-dir", defaultValue = "data/bench/auth") Path workDir;
  @Option(names = "--results", defaultValue = "bench/results") Path results;
  @Option(names = "--rounds", defaultValue = "5") int rounds;
  @Option(names = "--latency-requests", defaultValue = "2000", description = "batch-1 calls per server per round")
  int latencyRequests;
  @Option(names = "--clients", defaultValue = "8", description = "closed-loop clients of the throughput windows")
  int clients;
  @Option(names = "--warmup-millis", defaultValue = "500") int warmupMillis;
  @Option(names = "--measure-millis", defaultValue = "3000") int measureMillis;

  private String command;

  public static void main(String[] args) {
    AuthOverhead benchmark = new AuthOverhead();
    benchmark.command = "bench/auth-overhead.sh" + (args.length == 0 ? "" : " " + String.join(" ", args));
    System.exit(new CommandLine(benchmark).execute(args));
  }

  /**
   * One round's figures: batch-1 Predict latency and throughput (milliseconds, examples per second), and the p50
   * of GetModelMetadata, a call through the same interceptors that runs no model (the gRPC round trip and
   * authentication alone, without TensorFlow's variance).
   */
  record Round(double p50Off, double p50On, double p99Off, double p99On, double throughputOff, double throughputOn,
      double metadataP50Off, double metadataP50On) {}

  @Override
  public Integer call() throws Exception {
    ServingMachineLoad otherLoad = new ServingMachineLoad();
    ServingModels.Model m = ServingModels.frappeDlf(model, workDir);
    Path repository = workDir.resolve("repository").toAbsolutePath();
    ExportedVersions.deleteRecursively(repository);
    Files.createDirectories(repository.resolve(m.key()));
    Files.createSymbolicLink(repository.resolve(m.key()).resolve("1"), m.versionDir());
    TestTokens tokens = TestTokens.create(workDir.resolve("jwt-public.pem").toAbsolutePath());
    Path policy = workDir.resolve("policy.txt").toAbsolutePath();
    Files.writeString(policy, "bench = predict\n");

    ModelSpec spec = ModelSpec.newBuilder().setName(m.key()).build();
    List<PredictRequest> requests = new ArrayList<>();
    for (int i = 0; i < DISTINCT_REQUESTS; i++) {
      requests.add(PredictRequests.rows(spec, RandomExamples.batch(m.spec(), m.vocabularies(), 1, i)));
    }
    List<Round> measured = new ArrayList<>();
    JitSettling.Outcome settling;
    try (ServingServer off = start(repository, AuthConfig.none());
        ServingServer on = start(repository, AuthConfig.none().withJwt(tokens.publicKeyFile()).withPolicy(policy))) {
      ManagedChannel offChannel = ManagedChannelBuilder.forTarget(off.target()).usePlaintext().build();
      ManagedChannel onChannel = ManagedChannelBuilder.forTarget(on.target()).usePlaintext().build();
      try {
        PredictionServiceBlockingStub offStub = PredictionServiceGrpc.newBlockingStub(offChannel);
        Bearer bearer = new Bearer(tokens.jwt("bench", Duration.ofHours(2)));
        PredictionServiceBlockingStub onStub = PredictionServiceGrpc.newBlockingStub(onChannel).withCallCredentials(bearer);
        List<ServingLoad.Call> servers = List.of(
            (client, i) -> offStub.withDeadlineAfter(30, TimeUnit.SECONDS).predict(requests.get(pick(client, i)))
                .getProbabilitiesCount(),
            (client, i) -> onStub.withDeadlineAfter(30, TimeUnit.SECONDS).predict(requests.get(pick(client, i)))
                .getProbabilitiesCount());
        GetModelMetadataRequest metadata = GetModelMetadataRequest.newBuilder().setModel(spec).build();
        ModelServiceBlockingStub offModels = ModelServiceGrpc.newBlockingStub(offChannel);
        ModelServiceBlockingStub onModels = ModelServiceGrpc.newBlockingStub(onChannel).withCallCredentials(bearer);
        List<ServingLoad.Call> latencyKinds = List.of(servers.get(0), servers.get(1),
            (client, i) -> offModels.withDeadlineAfter(30, TimeUnit.SECONDS).getModelMetadata(metadata).getInputsCount(),
            (client, i) -> onModels.withDeadlineAfter(30, TimeUnit.SECONDS).getModelMetadata(metadata).getInputsCount());
        settling = JitSettling.settle(() -> {
          ServingLoad.latenciesMillis(LATENCY_CHUNK, LATENCY_CHUNK, latencyKinds);
          for (ServingLoad.Call server : servers) {
            ServingLoad.samplesPerSecond(clients, Duration.ZERO, Duration.ofMillis(100), server);
          }
        }, Duration.ofSeconds(60));
        System.out.printf("JIT %s after %.1f s%n", settling.settled() ? "settled" : "still compiling", settling.seconds());
        for (int round = 1; round <= rounds; round++) {
          double[][] latencies = ServingLoad.latenciesMillis(latencyRequests, LATENCY_CHUNK, latencyKinds);
          double[] rates = new double[2];
          for (int k = 0; k < 2; k++) {
            int which = round % 2 == 0 ? k : 1 - k;
            rates[which] = ServingLoad.samplesPerSecond(clients, Duration.ofMillis(warmupMillis),
                Duration.ofMillis(measureMillis), servers.get(which));
          }
          Round r = new Round(Stats.percentile(latencies[0], 50), Stats.percentile(latencies[1], 50),
              Stats.percentile(latencies[0], 99), Stats.percentile(latencies[1], 99), rates[0], rates[1],
              Stats.percentile(latencies[2], 50), Stats.percentile(latencies[3], 50));
          measured.add(r);
          System.out.printf(Locale.ROOT, "round %d/%d: batch 1 p50 %.3f -> %.3f ms, p99 %.3f -> %.3f ms; %d clients "
                  + "%,.0f -> %,.0f /s; metadata p50 %.3f -> %.3f ms (auth off -> on)%n", round, rounds, r.p50Off(),
              r.p50On(), r.p99Off(), r.p99On(), clients, r.throughputOff(), r.throughputOn(), r.metadataP50Off(),
              r.metadataP50On());
        }
      } finally {
        offChannel.shutdownNow();
        onChannel.shutdownNow();
      }
    }
    write(m, measured, settling, otherLoad.summary());
    return 0;
  }

  private void write(ServingModels.Model m, List<Round> measured, JitSettling.Outcome settling,
      ServingMachineLoad.Summary load) throws Exception {
    double p50Added = median(measured, r -> r.p50On() - r.p50Off());
    double p99Added = median(measured, r -> r.p99On() - r.p99Off());
    double ratio = median(measured, r -> r.throughputOn() / r.throughputOff());
    double metadataAdded = median(measured, r -> r.metadataP50On() - r.metadataP50Off());
    String machine = MachineInfo.describe();
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("date", Reports.today());
    json.put("machine", machine);
    json.put("command", command);
    json.put("model", m.description());
    json.put("p50_added_ms", round(p50Added));
    json.put("p99_added_ms", round(p99Added));
    json.put("throughput_ratio", round(ratio));
    json.put("p50_target_added_ms", P50_TARGET_MS);
    json.put("p50_off_ms", round(median(measured, Round::p50Off)));
    json.put("p50_on_ms", round(median(measured, Round::p50On)));
    json.put("p99_off_ms", round(median(measured, Round::p99Off)));
    json.put("p99_on_ms", round(median(measured, Round::p99On)));
    json.put("throughput_off_per_s", Math.round(median(measured, Round::throughputOff)));
    json.put("throughput_on_per_s", Math.round(median(measured, Round::throughputOn)));
    json.put("metadata_p50_off_ms", round(median(measured, Round::metadataP50Off)));
    json.put("metadata_p50_on_ms", round(median(measured, Round::metadataP50On)));
    json.put("metadata_p50_added_ms", round(metadataAdded));
    json.put("clients", clients);
    json.put("rounds", measured.size());
    json.put("other_load_cores", round(load.otherCores()));
    Reports.writeJson(results.resolve("auth-overhead.json"), json);

    StringBuilder md = new StringBuilder();
    md.append("# Authentication overhead on the serving hot path, ").append(Reports.today()).append("\n\n");
    md.append("`").append(command).append("` on ").append(machine).append(".\n\n");
    md.append("Two serving servers in one JVM over the same version (").append(m.description()).append("), on loopback "
        + "plaintext: one authenticates nobody, the other verifies a JWT (RS256, nimbus-jose-jwt) on every call, "
        + "cached after its first verification, and checks the policy's `predict` role on the model the request "
        + "names. Each round: ").append(latencyRequests).append(" batch-1 Predict calls of one client per server, "
        + "and as many GetModelMetadata calls (through the same interceptors, no model run: the round trip and "
        + "authentication alone), the four kinds taking turns every ").append(LATENCY_CHUNK).append(" calls; then ").append(measureMillis)
        .append(" ms of ").append(clients).append(" closed-loop clients per server (after ").append(warmupMillis)
        .append(" ms of warm-up), the order alternating between rounds. JIT ")
        .append(settling.settled() ? "settled" : "still compiling").append(String.format(Locale.ROOT,
            " after %.1f s before timing. Other work kept %.2f cores busy on average meanwhile.%n%n",
            settling.seconds(), load.otherCores()));
    md.append("| round | p50 off (ms) | p50 on (ms) | p99 off (ms) | p99 on (ms) | throughput off (/s) | "
        + "throughput on (/s) | metadata p50 off (ms) | metadata p50 on (ms) |\n|---|---|---|---|---|---|---|---|---|\n");
    for (int i = 0; i < measured.size(); i++) {
      Round r = measured.get(i);
      md.append(String.format(Locale.ROOT, "| %d | %.3f | %.3f | %.3f | %.3f | %,.0f | %,.0f | %.3f | %.3f |%n", i + 1,
          r.p50Off(), r.p50On(), r.p99Off(), r.p99On(), r.throughputOff(), r.throughputOn(), r.metadataP50Off(),
          r.metadataP50On()));
    }
    md.append(String.format(Locale.ROOT, "%nMedians over rounds: Predict p50 added **%+.3f ms** (target: at most "
            + "+%.2f ms), p99 added %+.3f ms, throughput on/off **%.3f**; GetModelMetadata p50 added %+.3f ms.%n",
        p50Added, P50_TARGET_MS, p99Added, ratio, metadataAdded));
    Path markdown = results.resolve("auth-overhead-" + Reports.today() + ".md");
    Reports.write(markdown, md.toString());
    System.out.printf(Locale.ROOT, "p50 added %+.3f ms, p99 added %+.3f ms, throughput on/off %.3f, metadata p50 added "
        + "%+.3f ms; wrote %s and %s%n", p50Added, p99Added, ratio, metadataAdded, results.resolve("auth-overhead.json"),
        markdown);
  }

  private static double median(List<Round> rounds, java.util.function.ToDoubleFunction<Round> figure) {
    return Stats.median(rounds.stream().mapToDouble(figure).toArray());
  }

  private static double round(double value) {
    return Math.round(value * 10_000) / 10_000.0;
  }

  private static int pick(int client, long iteration) {
    return (int) ((client * 31L + iteration) % DISTINCT_REQUESTS);
  }

  /** A server as the command line starts it by default, on a free loopback port, without polling or metrics. */
  private static ServingServer start(Path repository, AuthConfig auth) throws Exception {
    ServingServer server = ServingServer.create(ServingConfig.local(repository)
        .withGrpc(GrpcServerConfig.local().withHandlerThreads(16).withMetricsPort(-1))
        .withRepository(new RepositoryConfig(repository, Duration.ZERO))
        .withAuth(auth));
    server.start();
    return server;
  }
}
