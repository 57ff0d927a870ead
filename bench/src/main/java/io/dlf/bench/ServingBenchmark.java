package io.dlf.bench;

import io.dlf.dsl.encode.RawBatch;
import io.dlf.dsl.testing.ExportedVersions;
import io.dlf.dsl.testing.RandomExamples;
import io.dlf.proto.serving.v1.ModelSpec;
import io.dlf.proto.serving.v1.PredictRequest;
import io.dlf.proto.serving.v1.PredictionServiceGrpc;
import io.dlf.serving.ServingConfig;
import io.dlf.serving.ServingServer;
import io.dlf.serving.grpc.PredictRequests;
import io.dlf.serving.model.ServableModel;
import io.dlf.serving.model.TensorFlowModelLoader;
import io.dlf.serving.model.WarmupExamples;
import io.dlf.serving.predict.BatchingConfig;
import io.dlf.serving.repository.RepositoryConfig;
import io.dlf.serving.version.VersionsConfig;
import io.dlf.server.GrpcServerConfig;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthGrpc;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The serving benchmark: two models served over loopback gRPC by the real serving server. For each
 * model, batch-1 latency with one client (beside the same calls in process and a health check's
 * round trip, to tell the model's time and gRPC's from the server's), then throughput with 1, 8, 32 and 64 closed-loop
 * clients against a server with batching on, one with batching off, and the same model called in
 * process by as many threads (the limit); the three are measured back to back so that their ratios
 * share the machine's conditions. Timing starts once the JIT compiler has settled on these calls.
 * Several runs; the report gives medians, and the machine's own floors: a thread hand-off, and a
 * plain read of each model's dense weights. Writes {@code bench/results/serving-<date>.md} and
 * {@code bench/results/serving.json}.
 */
@Command(name = "serving-benchmark", mixinStandardHelpOptions = true, sortOptions = false)
public final class ServingBenchmark implements Callable<Integer> {
  static final double P99_TARGET_MS = 2.0;
  static final double P99_TARGET_REFERENCE_MS = 5.0;
  static final double RATIO_TARGET = 0.8;
  private static final int DISTINCT_REQUESTS = 256;
  /** Calls of one kind in a row before the next kind's turn, in the latency measurement. */
  private static final int LATENCY_CHUNK = 100;
  /** Windows per throughput mode; the modes take turns, so that their ratio compares like with like. */
  static final int THROUGHPUT_ROUNDS = 3;
  /** Thread hand-offs measured per kind, and the caller's work alone before each of the second kind (about one model call). */
  private static final int HANDOFFS = 3000;
  private static final int HANDOFF_IDLE_MICROS = 1000;
  /** Full reads of each model's dense weights timed per kind (one core, every core). */
  private static final int WEIGHT_READS = 500;
  /** Each throughput mode's share of a JIT-settling round, and how long settling may take. */
  private static final Duration SETTLING_BURST = Duration.ofMillis(100);
  private static final Duration SETTLING_CAP = Duration.ofSeconds(90);

  @Option(names = "--model", paramLabel = "VERSION_DIR",
      description = "A trained Frappe DLF version folder, e.g. data/models/<name>/<N> (default: export one with "
          + "initial weights)")
  Path model;
  @Option(names = "--work-dir", defaultValue = "data/bench/serving") Path workDir;
  @Option(names = "--results", defaultValue = "bench/results") Path results;
  @Option(names = "--runs", defaultValue = "3") int runs;
  @Option(names = "--clients", split = ",", defaultValue = "1,8,32,64") List<Integer> clients;
  @Option(names = "--request-batch", defaultValue = "1", description = "examples per request in the throughput runs")
  int requestBatch;
  @Option(names = "--latency-requests", defaultValue = "3000") int latencyRequests;
  @Option(names = "--warmup-millis", defaultValue = "500", description = "before each throughput window")
  int warmupMillis;
  @Option(names = "--measure-millis", defaultValue = "1000",
      description = "each throughput window; every mode gets " + THROUGHPUT_ROUNDS + " windows, taking turns")
  int measureMillis;

  private String command;

  public static void main(String[] args) {
    ServingBenchmark benchmark = new ServingBenchmark();
    benchmark.command = "bench/serving-benchmark.sh" + (args.length == 0 ? "" : " " + String.join(" ", args));
    System.exit(new CommandLine(benchmark).execute(args));
  }

  /**
   * Throughput at one client count in one run, examples per second, and the mean examples per
   * TensorFlow call the batching server formed meanwhile.
   */
  record Throughput(int clients, double batchingOn, double batchingOff, double inProcess, double meanBatch) {}

  /**
   * One run of one model: batch-1 latency served, in process, and of a health check through the
   * same server (the gRPC round trip alone); and throughput.
   */
  record ModelRun(double p50Millis, double p99Millis, double inProcessP50Millis, double inProcessP99Millis,
      double grpcP50Millis, double grpcP99Millis, List<Throughput> throughput, JitSettling.Outcome jitSettling) {}

  @Override
  public Integer call() throws Exception {
    ServingMachineLoad otherLoad = new ServingMachineLoad();
    List<ServingModels.Model> models = List.of(ServingModels.frappeDlf(model, workDir), ServingModels.reference(workDir));
    Map<String, List<ModelRun>> runsByModel = new LinkedHashMap<>();
    models.forEach(m -> runsByModel.put(m.key(), new ArrayList<>()));
    for (int run = 1; run <= runs; run++) {
      for (ServingModels.Model m : models) {
        System.out.printf("run %d/%d: %s%n", run, runs, m.key());
        ModelRun result = measure(m);
        runsByModel.get(m.key()).add(result);
        System.out.printf("  batch 1, one client: p50 %.3f ms, p99 %.3f ms (in process: p50 %.3f ms, p99 %.3f ms; "
                + "gRPC round trip: p50 %.3f ms, p99 %.3f ms)%n", result.p50Millis(), result.p99Millis(),
            result.inProcessP50Millis(), result.inProcessP99Millis(), result.grpcP50Millis(), result.grpcP99Millis());
        result.throughput().forEach(t -> System.out.printf(
            "  %2d clients: batching on %,.0f/s (mean batch %.1f), off %,.0f/s, in process %,.0f/s (on/in-process %.2f)%n",
            t.clients(), t.batchingOn(), t.meanBatch(), t.batchingOff(), t.inProcess(), t.batchingOn() / t.inProcess()));
      }
    }
    // last, once the JVM has compiled its hot code and started its threads
    ThreadHandoff.Figures handoff = ThreadHandoff.measure(HANDOFFS, HANDOFF_IDLE_MICROS);
    System.out.printf("thread hand-off round trip: p50 %.1f us, p99 %.1f us back to back; p50 %.1f us, p99 %.1f us "
        + "after %d us of work alone%n", handoff.backToBackP50(), handoff.backToBackP99(), handoff.afterIdleP50(),
        handoff.afterIdleP99(), handoff.idleMicros());
    Map<String, WeightStream.Figures> weightReads = new LinkedHashMap<>();
    for (ServingModels.Model m : models) {
      WeightStream.Figures read = WeightStream.measure(m.weightBytes(), WEIGHT_READS);
      weightReads.put(m.key(), read);
      System.out.printf("%s: reading its %.1f MB of dense weights once: one core p50 %.3f ms, p99 %.3f ms; %d cores "
          + "p50 %.3f ms, p99 %.3f ms%n", m.key(), read.bytes() / 1e6, read.oneCoreP50(), read.oneCoreP99(),
          read.cores(), read.allCoresP50(), read.allCoresP99());
    }
    ServingReport report = new ServingReport(command, runs, requestBatch, warmupMillis, measureMillis, models,
        runsByModel, otherLoad.summary(), handoff, weightReads);
    Files.createDirectories(results);
    Reports.writeJson(results.resolve("serving.json"), report.json());
    Path markdown = results.resolve("serving-" + Reports.today() + ".md");
    Reports.write(markdown, report.markdown());
    System.out.println("wrote " + results.resolve("serving.json") + " and " + markdown);
    return 0;
  }

  private ModelRun measure(ServingModels.Model m) throws Exception {
    Path repository = workDir.resolve("repository-" + m.key()).toAbsolutePath();
    ExportedVersions.deleteRecursively(repository);
    Files.createDirectories(repository.resolve(m.key()));
    Files.createSymbolicLink(repository.resolve(m.key()).resolve("1"), m.versionDir());

    List<RawBatch> batches = new ArrayList<>();
    List<RawBatch> singleBatches = new ArrayList<>();
    List<PredictRequest> singles = new ArrayList<>();
    List<PredictRequest> requests = new ArrayList<>();
    ModelSpec spec = ModelSpec.newBuilder().setName(m.key()).build();
    for (int i = 0; i < DISTINCT_REQUESTS; i++) {
      RawBatch batch = RandomExamples.batch(m.spec(), m.vocabularies(), requestBatch, i);
      batches.add(batch);
      requests.add(PredictRequests.rows(spec, batch));
      RawBatch single = RandomExamples.batch(m.spec(), m.vocabularies(), 1, 1000 + i);
      singleBatches.add(single);
      singles.add(PredictRequests.rows(spec, single));
    }

    try (ServingServer on = start(repository, true);
        ServingServer off = start(repository, false);
        ServableModel local = new TensorFlowModelLoader(1, -1).load(m.versionDir())) {
      warmUp(local);
      ManagedChannel onChannel = ManagedChannelBuilder.forTarget(on.target()).usePlaintext().build();
      ManagedChannel offChannel = ManagedChannelBuilder.forTarget(off.target()).usePlaintext().build();
      try {
        PredictionServiceGrpc.PredictionServiceBlockingStub onStub = PredictionServiceGrpc.newBlockingStub(onChannel);
        PredictionServiceGrpc.PredictionServiceBlockingStub offStub = PredictionServiceGrpc.newBlockingStub(offChannel);
        HealthGrpc.HealthBlockingStub health = HealthGrpc.newBlockingStub(onChannel);
        List<ServingLoad.Call> latencyKinds = List.of(
            (client, i) -> onStub.withDeadlineAfter(10, TimeUnit.SECONDS)
                .predict(singles.get((int) (i % DISTINCT_REQUESTS))).getProbabilitiesCount(),
            (client, i) -> local.predict(singleBatches.get((int) (i % DISTINCT_REQUESTS))).length,
            (client, i) -> health.withDeadlineAfter(10, TimeUnit.SECONDS)
                .check(HealthCheckRequest.getDefaultInstance()).getStatusValue());
        List<ServingLoad.Call> modes = List.of(
            (client, i) -> onStub.withDeadlineAfter(30, TimeUnit.SECONDS).predict(requests.get(pick(client, i)))
                .getProbabilitiesCount(),
            (client, i) -> offStub.withDeadlineAfter(30, TimeUnit.SECONDS).predict(requests.get(pick(client, i)))
                .getProbabilitiesCount(),
            (client, i) -> local.predict(batches.get(pick(client, i))).length);
        JitSettling.Outcome settling = settle(latencyKinds, modes);
        System.out.printf("  JIT %s after %.1f s of these calls%n", settling.settled() ? "settled" : "still compiling",
            settling.seconds());
        double[][] latencies = ServingLoad.latenciesMillis(latencyRequests, LATENCY_CHUNK, latencyKinds);
        ServingBatchSizes batchSizes = new ServingBatchSizes(on.metricsPort(), m.key());
        List<Throughput> throughput = new ArrayList<>();
        for (int c : clients) {
          double[] rates = new double[modes.size()];
          double examples = 0;
          double calls = 0;
          for (int round = 0; round < THROUGHPUT_ROUNDS; round++) {
            for (int mode = 0; mode < modes.size(); mode++) {
              ServingBatchSizes.Snapshot before = batchSizes.snapshot();
              rates[mode] += ServingLoad.samplesPerSecond(c, Duration.ofMillis(warmupMillis),
                  Duration.ofMillis(measureMillis), modes.get(mode)) / THROUGHPUT_ROUNDS;
              ServingBatchSizes.Snapshot after = batchSizes.snapshot();
              examples += after.examples() - before.examples();
              calls += after.calls() - before.calls();
            }
          }
          throughput.add(new Throughput(c, rates[0], rates[1], rates[2], examples / calls));
        }
        return new ModelRun(Stats.percentile(latencies[0], 50), Stats.percentile(latencies[0], 99),
            Stats.percentile(latencies[1], 50), Stats.percentile(latencies[1], 99),
            Stats.percentile(latencies[2], 50), Stats.percentile(latencies[2], 99), throughput, settling);
      } finally {
        onChannel.shutdownNow();
        offChannel.shutdownNow();
      }
    }
  }

  /**
   * Repeats every kind of call the run times, the throughput modes at the most clients (so batches
   * of several requests run too), until the JIT has compiled what they run.
   */
  private JitSettling.Outcome settle(List<ServingLoad.Call> latencyKinds, List<ServingLoad.Call> modes)
      throws Exception {
    int most = Collections.max(clients);
    return JitSettling.settle(() -> {
      ServingLoad.latenciesMillis(LATENCY_CHUNK, LATENCY_CHUNK, latencyKinds);
      for (ServingLoad.Call mode : modes) {
        ServingLoad.samplesPerSecond(most, Duration.ZERO, SETTLING_BURST, mode);
      }
    }, SETTLING_CAP);
  }

  /** The warm-up a served version gets before it answers, so the in-process limit starts from the same point. */
  private static void warmUp(ServableModel model) {
    for (int i = 0; i < VersionsConfig.defaults().warmupIterations(); i++) {
      model.predict(WarmupExamples.of(model.inputs(), 1));
      model.predict(WarmupExamples.of(model.inputs(), BatchingConfig.defaults().maxBatchSize()));
    }
  }

  private static int pick(int client, long iteration) {
    return (int) ((client * 31L + iteration) % DISTINCT_REQUESTS);
  }

  /** A server as the command line starts it by default, on a free loopback port, without polling. */
  private static ServingServer start(Path repository, boolean batching) throws Exception {
    ServingConfig config = ServingConfig.local(repository)
        .withGrpc(GrpcServerConfig.local().withHandlerThreads(16))
        .withRepository(new RepositoryConfig(repository, Duration.ZERO))
        .withBatching(BatchingConfig.defaults().withEnabled(batching));
    ServingServer server = ServingServer.create(config);
    server.start();
    return server;
  }

  /** The median over runs of one figure. */
  static <T> double median(List<T> runs, ToDoubleFunction<T> figure) {
    return Stats.median(runs.stream().mapToDouble(figure).toArray());
  }
}
