package io.dlf.bench;

import io.dlf.dsl.Frappe;
import io.dlf.dsl.Presets;
import io.dlf.dsl.compile.SessionConfigs;
import io.dlf.dsl.encode.RawBatch;
import io.dlf.dsl.export.CalibrationRows;
import io.dlf.dsl.export.ExportedModel;
import io.dlf.dsl.export.Int8Kernel;
import io.dlf.dsl.export.ModelExporter;
import io.dlf.dsl.export.ServedEvaluation;
import io.dlf.dsl.repository.ModelRepository;
import io.dlf.dsl.spec.ModelSpec;
import io.dlf.dsl.testing.ExportedVersions;
import io.dlf.dsl.testing.RandomExamples;
import io.dlf.proto.model.v1.EpochMetrics;
import io.dlf.proto.model.v1.ServingPrecision;
import io.dlf.proto.model.v1.TrainingMetrics;
import io.dlf.proto.serving.v1.PredictRequest;
import io.dlf.proto.serving.v1.PredictionServiceGrpc;
import io.dlf.server.GrpcServerConfig;
import io.dlf.serving.ServingConfig;
import io.dlf.serving.ServingServer;
import io.dlf.serving.grpc.PredictRequests;
import io.dlf.serving.model.ServableModel;
import io.dlf.serving.model.TensorFlowModelLoader;
import io.dlf.serving.repository.RepositoryConfig;
import io.dlf.trainer.data.BadRows;
import io.dlf.trainer.data.DatasetCatalog;
import io.dlf.trainer.encode.DataPreparation;
import io.dlf.trainer.encode.PreparedData;
import io.dlf.trainer.encode.SplitPredictions;
import io.dlf.trainer.job.TrainingOptions;
import io.dlf.trainer.training.CalibrationSample;
import io.dlf.trainer.training.Metrics;
import io.dlf.trainer.training.ServedSplits;
import io.dlf.trainer.training.StopSignal;
import io.dlf.trainer.training.TrainedModel;
import io.dlf.trainer.training.Trainer;
import io.dlf.trainer.training.TrainingListener;
import io.dlf.trainer.training.TrainingOutcome;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * The reference preset served at float32, bfloat16 and int8, from one checkpoint trained briefly on
 * Frappe: each version's test AUC and logloss (through its exported graph) and the largest
 * difference of its probabilities from float32's, then batch-1 latency over loopback gRPC from one
 * server serving all three, the models (and the same calls in process) taking turns in chunks, over
 * several rounds; medians of the rounds. Then in-process rows per second at larger batches, where
 * the lower precisions' products have rows to share their weights (the precisions taking turns in the
 * same way). Writes {@code bench/results/serving-precision-<date>.md}
 * and merges {@code p99_ms_batch1_reference_<precision>} and
 * {@code test_auc_delta_reference_<precision>} (bf16, int8) into {@code bench/results/serving.json}.
 */
@Command(name = "serving-precision", mixinStandardHelpOptions = true, sortOptions = false)
public final class ServingPrecisionBenchmark implements Callable<Integer> {
  /** The versions by the short name their figures carry, float32 first: the others are compared with it. */
  private static final Map<String, ServingPrecision> PRECISIONS = orderedPrecisions();
  private static final int DISTINCT_REQUESTS = 256;
  /**
   * Batch-1 calls of one kind in a row. A turn's first call finds the version's weights evicted
   * from the cache by the other versions' calls (58 MB of float32 against a 32 MB L3): with turns of
   * 100 those first calls were 1% of all, exactly the p99 this reports.
   */
  private static final int LATENCY_CHUNK = 500;
  /** Calls of each kind per pass while the JIT settles. */
  private static final int SETTLING_CALLS = 20;
  private static final Duration SETTLING_CAP = Duration.ofSeconds(90);
  /** Batch sizes of the throughput phase: a small server-side batch and a large one. */
  private static final List<Integer> THROUGHPUT_BATCHES = List.of(16, 256);
  /** Calls per precision in a turn of the throughput phase. */
  private static final int THROUGHPUT_CHUNK = 4;
  static final double AUC_DELTA_TARGET = 0.0005;

  @Option(names = "--data-root", defaultValue = "../shared/data") Path dataRoot;
  @Option(names = "--work-dir", defaultValue = "data/bench/serving-precision",
      description = "keeps the trained checkpoint: a second run reuses it") Path workDir;
  @Option(names = "--results", defaultValue = "bench/results") Path results;
  @Option(names = "--epochs", defaultValue = "1") int epochs;
  @Option(names = "--batch", defaultValue = "4096") int batch;
  @Option(names = "--rounds", defaultValue = "5") int rounds;
  @Option(names = "--intra-threads", defaultValue = "1", description = "TensorFlow threads per op, served and in "
      + "process (the serving server's --tf-intra-threads)") int intraThreads;
  @Option(names = "--requests", defaultValue = "1000", description = "batch-1 calls per kind and round")
  int requests;
  @Option(names = "--throughput-rows", defaultValue = "4096", description = "rows per precision, batch size and "
      + "round in the throughput phase") int throughputRows;

  private String command;
  private JitSettling.Outcome settling;

  public static void main(String[] args) {
    ServingPrecisionBenchmark benchmark = new ServingPrecisionBenchmark();
    benchmark.command = "bench/serving-precision.sh" + (args.length == 0 ? "" : " " + String.join(" ", args));
    System.exit(new CommandLine(benchmark).execute(args));
  }

  private static Map<String, ServingPrecision> orderedPrecisions() {
    Map<String, ServingPrecision> precisions = new LinkedHashMap<>();
    precisions.put("f32", ServingPrecision.FLOAT32);
    precisions.put("bf16", ServingPrecision.BFLOAT16);
    precisions.put("int8", ServingPrecision.INT8);
    return precisions;
  }

  private static String model(String precision) {
    return "reference_" + precision;
  }

  /** One round's batch-1 latency percentiles, milliseconds, per kind of call. */
  record Round(Map<String, double[]> p50p99) {}

  @Override
  public Integer call() throws Exception {
    Optional<String> noInt8 = Int8Kernel.refusal();
    if (noInt8.isPresent()) {
      System.err.println("this benchmark compares an int8 version, which this machine cannot run: " + noInt8.get());
      return 2;
    }
    DatasetCatalog.Entry frappe = DatasetCatalog.get("frappe");
    ModelSpec spec = Frappe.declare(Presets.dlfReference()).build();
    PreparedData data = DataPreparation.prepare(spec, frappe.schema(), frappe.splits(dataRoot), BadRows.FAIL);
    Path trainDir = workDir.resolve("train").toAbsolutePath();
    Files.createDirectories(trainDir);
    TrainedModel trained = TrainedModel.load(trainDir).isPresent() ? TrainedModel.load(trainDir).get()
        : train(spec, data, trainDir);
    System.out.printf(Locale.ROOT, "trained %d epoch(s) in %.0f s: test AUC %.4f logloss %.4f (training graph)%n",
        trained.metrics().getEpochsRun(), trained.metrics().getWallSeconds(), trained.metrics().getTest().getAuc(),
        trained.metrics().getTest().getLogloss());

    Path repositoryDir = workDir.resolve("models").toAbsolutePath();
    ExportedVersions.deleteRecursively(repositoryDir);
    ModelRepository repository = new ModelRepository(repositoryDir);
    ModelExporter exporter = new ModelExporter(repository, SessionConfigs.threads(2, 2));
    CalibrationRows calibration = CalibrationSample.of(data, 2019);
    for (Map.Entry<String, ServingPrecision> precision : PRECISIONS.entrySet()) {
      exporter.export(new ModelExporter.Request(model(precision.getKey()), spec, trained.vocabularies(),
          trained.bestCheckpoint(), trained.metrics(), "", 2019, precision.getValue(),
          precision.getValue() == ServingPrecision.FLOAT32 ? ServedEvaluation.NONE : ServedSplits.of(data, 4096),
          calibration));
    }

    Map<String, Object> quality = quality(repository, data);
    System.out.println("quality: " + quality);
    Map<String, ServableModel> inProcess = new LinkedHashMap<>();
    Map<String, Double> medians = new LinkedHashMap<>();
    Map<String, Double> rowsPerSecond;
    try {
      TensorFlowModelLoader loader = new TensorFlowModelLoader(intraThreads, -1);
      for (String precision : PRECISIONS.keySet()) {
        inProcess.put(precision, loader.load(repositoryDir.resolve(model(precision)).resolve("1")));
      }
      List<Round> measured = latency(repositoryDir, spec, trained, inProcess);
      for (String kind : measured.get(0).p50p99().keySet()) {
        medians.put(kind + "_p50_ms", Stats.median(measured.stream().mapToDouble(r -> r.p50p99().get(kind)[0]).toArray()));
        medians.put(kind + "_p99_ms", Stats.median(measured.stream().mapToDouble(r -> r.p50p99().get(kind)[1]).toArray()));
      }
      System.out.println("latency medians over " + rounds + " rounds: " + medians);
      rowsPerSecond = throughput(spec, trained, inProcess);
      System.out.println("in-process rows/s, medians over " + rounds + " rounds: " + rowsPerSecond);
    } finally {
      for (ServableModel model : inProcess.values()) {
        model.close();
      }
    }

    Map<String, Double> aucDeltas = new LinkedHashMap<>();
    Map<String, Object> figures = new LinkedHashMap<>();
    for (String precision : lowerPrecisions()) {
      aucDeltas.put(precision, (double) quality.get("test_auc_" + precision) - (double) quality.get("test_auc_f32"));
      figures.put("p99_ms_batch1_reference_" + precision, medians.get("served_" + precision + "_p99_ms"));
      figures.put("test_auc_delta_reference_" + precision, aucDeltas.get(precision));
    }
    Map<String, Object> detail = new LinkedHashMap<>();
    detail.put("date", Reports.today());
    detail.put("machine", MachineInfo.describe());
    detail.put("command", command);
    detail.put("training", Map.of("epochs_run", trained.metrics().getEpochsRun(), "wall_seconds",
        trained.metrics().getWallSeconds(), "batch", batch, "best_epoch", trained.metrics().getBestEpoch()));
    detail.put("quality", quality);
    detail.put("latency_medians", medians);
    detail.put("in_process_rows_per_s_medians", rowsPerSecond);
    detail.put("jit_settled", settling.settled());
    detail.put("jit_settling_seconds", settling.seconds());
    detail.put("intra_op_threads", intraThreads);
    detail.put("rounds", rounds);
    detail.put("requests_per_kind_and_round", requests);
    figures.put("reference_precision", detail);
    Reports.mergeJson(results.resolve("serving.json"), figures);
    Path markdown = results.resolve("serving-precision-" + Reports.today() + (intraThreads == 1 ? ""
        : "-intra" + intraThreads) + ".md");
    Reports.writeReport(markdown, markdown(trained.metrics(), quality, medians, rowsPerSecond, aucDeltas));
    System.out.println("wrote " + results.resolve("serving.json") + " and " + markdown);
    return 0;
  }

  private TrainedModel train(ModelSpec spec, PreparedData data, Path dir) throws Exception {
    TrainingOptions options = TrainingOptions.defaults().maxEpochs(epochs).batchSize(batch).seed(2019)
        .progressEverySteps(10);
    TrainingOutcome outcome = new Trainer(SessionConfigs.threads(2, 2)).train(spec, data, options, dir,
        new TrainingListener() {
          @Override
          public void onProgress(int epoch, int step, int steps, double loss, double samplesPerSecond) {
            System.out.printf(Locale.ROOT, "epoch %d step %d/%d loss %.4f %.0f samples/s%n", epoch, step, steps, loss,
                samplesPerSecond);
          }

          @Override
          public void onEpoch(EpochMetrics m, boolean improved) {
            System.out.printf(Locale.ROOT, "epoch %d: val AUC %.4f logloss %.4f, %.0f s%n", m.getEpoch(),
                m.getValidation().getAuc(), m.getValidation().getLogloss(), m.getSeconds());
          }
        }, StopSignal.NEVER);
    TrainedModel trained = new TrainedModel(data.vocabularies(), outcome.metrics().orElseThrow(),
        outcome.bestCheckpoint());
    trained.save(dir);
    return trained;
  }

  private static List<String> lowerPrecisions() {
    return PRECISIONS.keySet().stream().skip(1).toList();
  }

  /** Test AUC and logloss of each version through its frozen graph, as served, and the largest |p - p_f32|. */
  private static Map<String, Object> quality(ModelRepository repository, PreparedData data) throws Exception {
    float[] labels = null;
    Map<String, Object> quality = new LinkedHashMap<>();
    Map<String, float[]> predictions = new LinkedHashMap<>();
    for (String precision : PRECISIONS.keySet()) {
      try (ExportedModel model = ExportedModel.loadFrozen(repository.versionDir(model(precision), 1),
          SessionConfigs.threads(2, 2))) {
        SplitPredictions test = data.test().predictAll(4096, model::predictEncoded);
        labels = test.labels();
        predictions.put(precision, test.probabilities());
        quality.put("test_auc_" + precision, Metrics.auc(labels, test.probabilities()));
        quality.put("test_logloss_" + precision, Metrics.logloss(labels, test.probabilities()));
        if (!precision.equals("f32")) {
          TrainingMetrics recorded = model.metrics();
          quality.put("metrics_json_served_test_auc_" + precision, recorded.getServedTest().getAuc());
          quality.put("metrics_json_served_validation_auc_" + precision, recorded.getServedValidation().getAuc());
          quality.put("metrics_json_test_auc", recorded.getTest().getAuc());
        }
      }
    }
    for (String precision : lowerPrecisions()) {
      double max = 0;
      for (int i = 0; i < labels.length; i++) {
        max = Math.max(max, Math.abs(predictions.get(precision)[i] - predictions.get("f32")[i]));
      }
      quality.put("max_abs_probability_difference_" + precision, max);
    }
    quality.put("test_rows", labels.length);
    return quality;
  }

  /** Batch-1 latency, served (every version from one server) and in process, the kinds of call taking turns. */
  private List<Round> latency(Path repositoryDir, ModelSpec spec, TrainedModel trained,
      Map<String, ServableModel> inProcess) throws Exception {
    List<RawBatch> singles = new ArrayList<>();
    for (int i = 0; i < DISTINCT_REQUESTS; i++) {
      singles.add(RandomExamples.batch(spec, trained.vocabularies(), 1, 1000 + i));
    }
    ServingConfig config = ServingConfig.local(repositoryDir)
        .withGrpc(GrpcServerConfig.local().withHandlerThreads(16))
        .withRepository(new RepositoryConfig(repositoryDir, Duration.ZERO));
    config = config.withVersions(config.versions().withIntraOpThreads(intraThreads));
    ServingServer server = ServingServer.create(config);
    server.start();
    ManagedChannel channel = ManagedChannelBuilder.forTarget(server.target()).usePlaintext().build();
    try {
      PredictionServiceGrpc.PredictionServiceBlockingStub stub = PredictionServiceGrpc.newBlockingStub(channel);
      Map<String, ServingLoad.Call> kinds = new LinkedHashMap<>();
      for (String precision : PRECISIONS.keySet()) {
        io.dlf.proto.serving.v1.ModelSpec target = io.dlf.proto.serving.v1.ModelSpec.newBuilder()
            .setName(model(precision)).build();
        List<PredictRequest> byExample = singles.stream().map(b -> PredictRequests.rows(target, b)).toList();
        kinds.put("served_" + precision, (client, i) -> stub.withDeadlineAfter(10, TimeUnit.SECONDS)
            .predict(byExample.get((int) (i % DISTINCT_REQUESTS))).getProbabilitiesCount());
      }
      for (String precision : PRECISIONS.keySet()) {
        ServableModel model = inProcess.get(precision);
        kinds.put("in_process_" + precision, (client, i) -> model.predict(singles.get((int) (i % DISTINCT_REQUESTS)))
            .length);
      }
      List<ServingLoad.Call> calls = List.copyOf(kinds.values());
      // the served path's Java code compiles for half a minute and more: time a server in its steady state
      settling = JitSettling.settle(() -> ServingLoad.latenciesMillis(SETTLING_CALLS, SETTLING_CALLS, calls),
          SETTLING_CAP);
      System.out.printf(Locale.ROOT, "JIT %s after %.1f s of these calls%n",
          settling.settled() ? "settled" : "still compiling", settling.seconds());
      List<Round> measured = new ArrayList<>();
      for (int round = 1; round <= rounds; round++) {
        double[][] millis = ServingLoad.latenciesMillis(requests, LATENCY_CHUNK, calls);
        Map<String, double[]> figures = new LinkedHashMap<>();
        StringBuilder line = new StringBuilder("round " + round + ":");
        int k = 0;
        for (String kind : kinds.keySet()) {
          figures.put(kind, new double[] {Stats.percentile(millis[k], 50), Stats.percentile(millis[k], 99)});
          line.append(String.format(Locale.ROOT, " %s p50 %.3f p99 %.3f |", kind, figures.get(kind)[0],
              figures.get(kind)[1]));
          k++;
        }
        measured.add(new Round(figures));
        System.out.println(line);
      }
      return measured;
    } finally {
      channel.shutdownNow();
      server.stop();
    }
  }

  /**
   * In-process rows per second of each version at each of {@link #THROUGHPUT_BATCHES}, the versions
   * taking turns; medians of the rounds, keyed {@code <precision>_b<rows>}.
   */
  private Map<String, Double> throughput(ModelSpec spec, TrainedModel trained, Map<String, ServableModel> inProcess)
      throws Exception {
    Map<String, List<Double>> byRound = new LinkedHashMap<>();
    for (int rows : THROUGHPUT_BATCHES) {
      RawBatch batch = RandomExamples.batch(spec, trained.vocabularies(), rows, 7000 + rows);
      List<ServingLoad.Call> calls = inProcess.values().stream()
          .<ServingLoad.Call>map(model -> (client, i) -> model.predict(batch).length).toList();
      int count = Math.max(THROUGHPUT_CHUNK, throughputRows / rows);
      ServingLoad.latenciesMillis(count, THROUGHPUT_CHUNK, calls); // warm-up: oneDNN primitives for this shape
      for (int round = 1; round <= rounds; round++) {
        double[][] millis = ServingLoad.latenciesMillis(count, THROUGHPUT_CHUNK, calls);
        int k = 0;
        for (String precision : inProcess.keySet()) {
          double seconds = Arrays.stream(millis[k++]).sum() / 1e3;
          byRound.computeIfAbsent(precision + "_b" + rows, key -> new ArrayList<>()).add(rows * count / seconds);
        }
      }
    }
    Map<String, Double> medians = new LinkedHashMap<>();
    byRound.forEach((key, values) -> medians.put(key,
        Stats.median(values.stream().mapToDouble(Double::doubleValue).toArray())));
    return medians;
  }

  private String markdown(TrainingMetrics trained, Map<String, Object> quality, Map<String, Double> medians,
      Map<String, Double> rowsPerSecond, Map<String, Double> aucDeltas) {
    StringBuilder md = new StringBuilder();
    md.append("# Serving precision: the reference preset at float32, bfloat16 and int8 (").append(Reports.today())
        .append(")\n\n");
    md.append("`").append(command).append("` on ").append(MachineInfo.describe()).append(".\n\n");
    md.append(String.format(Locale.ROOT, "One checkpoint of `dlf-reference` on Frappe's fields (D=64, 3 layers, 32 "
            + "tokens, rank 24, hidden 512), trained %d epoch(s) at batch %d in %.0f s (a short run: its AUC is below "
            + "the quality runs'), exported three times: float32, bfloat16 and int8 (`ExportTarget.precision`). The "
            + "versions are served by one server over loopback gRPC (%d TensorFlow thread(s) per op, served and in "
            + "process), batch 1, one client; the six kinds of call (each version served and in process) take turns "
            + "in chunks of %d, %d calls of each per round, %d rounds; medians of the rounds. Timing started once "
            + "the JIT had %s (%s, after %.0f s of these calls).%n%n",
        trained.getEpochsRun(), batch, trained.getWallSeconds(), intraThreads, LATENCY_CHUNK, requests, rounds,
        settling.settled() ? "settled" : "run out of time to settle", JitSettling.criterion(), settling.seconds()));
    md.append("| | float32 | bfloat16 | int8 | bf16 / f32 | int8 / f32 |\n|---|---|---|---|---|---|\n");
    for (String figure : List.of("served_%s_p50_ms", "served_%s_p99_ms", "in_process_%s_p50_ms", "in_process_%s_p99_ms")) {
      double f = medians.get(String.format(figure, "f32"));
      double b = medians.get(String.format(figure, "bf16"));
      double i = medians.get(String.format(figure, "int8"));
      md.append(String.format(Locale.ROOT, "| %s | %.3f | %.3f | %.3f | %.2f | %.2f |%n", figure.replace("_%s", ""),
          f, b, i, b / f, i / f));
    }
    md.append(String.format(Locale.ROOT, "| test AUC (exported graph) | %.5f | %.5f | %.5f | Δ %+.5f | Δ %+.5f |%n",
        (double) quality.get("test_auc_f32"), (double) quality.get("test_auc_bf16"),
        (double) quality.get("test_auc_int8"), aucDeltas.get("bf16"), aucDeltas.get("int8")));
    md.append(String.format(Locale.ROOT, "| test logloss | %.5f | %.5f | %.5f | | |%n%n",
        (double) quality.get("test_logloss_f32"), (double) quality.get("test_logloss_bf16"),
        (double) quality.get("test_logloss_int8")));
    md.append(String.format(Locale.ROOT, "In process at larger batches (rows per second, %d rows of each version per "
        + "batch size and round, in turns of %d calls):%n%n", throughputRows, THROUGHPUT_CHUNK));
    md.append("| batch | float32 | bfloat16 | int8 | bf16 / f32 | int8 / f32 |\n|---|---|---|---|---|---|\n");
    for (int rows : THROUGHPUT_BATCHES) {
      double f = rowsPerSecond.get("f32_b" + rows);
      double b = rowsPerSecond.get("bf16_b" + rows);
      double i = rowsPerSecond.get("int8_b" + rows);
      md.append(String.format(Locale.ROOT, "| %d | %.0f | %.0f | %.0f | %.2f | %.2f |%n", rows, f, b, i, b / f, i / f));
    }
    md.append("\n");
    for (String precision : lowerPrecisions()) {
      md.append(String.format(Locale.ROOT, "Largest |p_%s - p_f32| over the %d test rows: %.5f.%n%n", precision,
          (int) quality.get("test_rows"), (double) quality.get("max_abs_probability_difference_" + precision)));
    }
    for (String precision : lowerPrecisions()) {
      double p99 = medians.get("served_" + precision + "_p99_ms");
      md.append(String.format(Locale.ROOT, "Targets (%s): batch-1 p99 served < %.1f ms: %s (%.3f ms); |test AUC delta| "
              + "<= %.4f: %s.%n%n", precision, ServingBenchmark.P99_TARGET_REFERENCE_MS,
          p99 < ServingBenchmark.P99_TARGET_REFERENCE_MS ? "met" : "not met", p99, AUC_DELTA_TARGET,
          Math.abs(aucDeltas.get(precision)) <= AUC_DELTA_TARGET ? "met" : "not met"));
    }
    return md.toString();
  }
}
