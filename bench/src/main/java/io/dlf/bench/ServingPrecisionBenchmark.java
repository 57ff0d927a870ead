package io.dlf.bench;

import io.dlf.dsl.Frappe;
import io.dlf.dsl.Presets;
import io.dlf.dsl.compile.SessionConfigs;
import io.dlf.dsl.encode.RawBatch;
import io.dlf.dsl.export.ExportedModel;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * The reference preset served at float32 and at bfloat16, from one checkpoint trained briefly on
 * Frappe: the two versions' test AUC and logloss (each through its exported graph) and the largest
 * difference of their probabilities, then batch-1 latency over loopback gRPC from one server
 * serving both, the two models (and the same calls in process) taking turns in chunks, over several
 * rounds; medians of the rounds. Writes {@code bench/results/serving-precision-<date>.md} and merges
 * {@code p99_ms_batch1_reference_bf16} and {@code test_auc_delta_reference_bf16} into
 * {@code bench/results/serving.json}.
 */
@Command(name = "serving-precision", mixinStandardHelpOptions = true, sortOptions = false)
public final class ServingPrecisionBenchmark implements Callable<Integer> {
  private static final String F32 = "reference_f32";
  private static final String BF16 = "reference_bf16";
  private static final int DISTINCT_REQUESTS = 256;
  private static final int LATENCY_CHUNK = 100;
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

  private String command;

  public static void main(String[] args) {
    ServingPrecisionBenchmark benchmark = new ServingPrecisionBenchmark();
    benchmark.command = "bench/serving-precision.sh" + (args.length == 0 ? "" : " " + String.join(" ", args));
    System.exit(new CommandLine(benchmark).execute(args));
  }

  /** One round's batch-1 latency percentiles, milliseconds, per kind of call. */
  record Round(Map<String, double[]> p50p99) {}

  @Override
  public Integer call() throws Exception {
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
    exporter.export(new ModelExporter.Request(F32, spec, trained.vocabularies(), trained.bestCheckpoint(),
        trained.metrics(), "", 2019));
    exporter.export(new ModelExporter.Request(BF16, spec, trained.vocabularies(), trained.bestCheckpoint(),
        trained.metrics(), "", 2019, ServingPrecision.BFLOAT16, ServedSplits.of(data, 4096)));

    Map<String, Object> quality = quality(repository, data);
    System.out.println("quality: " + quality);
    List<Round> measured = latency(repositoryDir, spec, trained);
    Map<String, Double> medians = new LinkedHashMap<>();
    for (String kind : measured.get(0).p50p99().keySet()) {
      medians.put(kind + "_p50_ms", Stats.median(measured.stream().mapToDouble(r -> r.p50p99().get(kind)[0]).toArray()));
      medians.put(kind + "_p99_ms", Stats.median(measured.stream().mapToDouble(r -> r.p50p99().get(kind)[1]).toArray()));
    }
    System.out.println("latency medians over " + rounds + " rounds: " + medians);

    double aucDelta = (double) quality.get("test_auc_bf16") - (double) quality.get("test_auc_f32");
    Map<String, Object> figures = new LinkedHashMap<>();
    figures.put("p99_ms_batch1_reference_bf16", medians.get("served_bf16_p99_ms"));
    figures.put("test_auc_delta_reference_bf16", aucDelta);
    Map<String, Object> detail = new LinkedHashMap<>();
    detail.put("date", Reports.today());
    detail.put("machine", MachineInfo.describe());
    detail.put("command", command);
    detail.put("training", Map.of("epochs_run", trained.metrics().getEpochsRun(), "wall_seconds",
        trained.metrics().getWallSeconds(), "batch", batch, "best_epoch", trained.metrics().getBestEpoch()));
    detail.put("quality", quality);
    detail.put("latency_medians", medians);
    detail.put("intra_op_threads", intraThreads);
    detail.put("rounds", rounds);
    detail.put("requests_per_kind_and_round", requests);
    figures.put("reference_precision", detail);
    Reports.mergeJson(results.resolve("serving.json"), figures);
    Path markdown = results.resolve("serving-precision-" + Reports.today() + (intraThreads == 1 ? ""
        : "-intra" + intraThreads) + ".md");
    Reports.writeReport(markdown, markdown(trained.metrics(), quality, medians, aucDelta));
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

  /** Test AUC and logloss of each version through its frozen graph, as served, and the largest |bf16 - f32|. */
  private static Map<String, Object> quality(ModelRepository repository, PreparedData data) throws Exception {
    float[] labels = null;
    Map<String, Object> quality = new LinkedHashMap<>();
    float[][] predictions = new float[2][];
    String[] models = {F32, BF16};
    for (int m = 0; m < 2; m++) {
      try (ExportedModel model = ExportedModel.loadFrozen(repository.versionDir(models[m], 1),
          SessionConfigs.threads(2, 2))) {
        SplitPredictions test = data.test().predictAll(4096, model::predictEncoded);
        labels = test.labels();
        predictions[m] = test.probabilities();
        String suffix = m == 0 ? "_f32" : "_bf16";
        quality.put("test_auc" + suffix, Metrics.auc(labels, predictions[m]));
        quality.put("test_logloss" + suffix, Metrics.logloss(labels, predictions[m]));
        if (m == 1) {
          TrainingMetrics recorded = model.metrics();
          quality.put("metrics_json_served_test_auc", recorded.getServedTest().getAuc());
          quality.put("metrics_json_served_validation_auc", recorded.getServedValidation().getAuc());
          quality.put("metrics_json_test_auc", recorded.getTest().getAuc());
        }
      }
    }
    double max = 0;
    for (int i = 0; i < labels.length; i++) {
      max = Math.max(max, Math.abs(predictions[0][i] - predictions[1][i]));
    }
    quality.put("max_abs_probability_difference", max);
    quality.put("test_rows", labels.length);
    return quality;
  }

  /** Batch-1 latency, served (both models from one server) and in process, the four kinds taking turns. */
  private List<Round> latency(Path repositoryDir, ModelSpec spec, TrainedModel trained) throws Exception {
    List<RawBatch> singles = new ArrayList<>();
    Map<String, List<PredictRequest>> byModel = new LinkedHashMap<>();
    for (int i = 0; i < DISTINCT_REQUESTS; i++) {
      singles.add(RandomExamples.batch(spec, trained.vocabularies(), 1, 1000 + i));
    }
    for (String model : List.of(F32, BF16)) {
      io.dlf.proto.serving.v1.ModelSpec target = io.dlf.proto.serving.v1.ModelSpec.newBuilder().setName(model).build();
      byModel.put(model, singles.stream().map(b -> PredictRequests.rows(target, b)).toList());
    }
    ServingConfig config = ServingConfig.local(repositoryDir)
        .withGrpc(GrpcServerConfig.local().withHandlerThreads(16))
        .withRepository(new RepositoryConfig(repositoryDir, Duration.ZERO));
    config = config.withVersions(config.versions().withIntraOpThreads(intraThreads));
    ServingServer server = ServingServer.create(config);
    server.start();
    ManagedChannel channel = ManagedChannelBuilder.forTarget(server.target()).usePlaintext().build();
    TensorFlowModelLoader loader = new TensorFlowModelLoader(intraThreads, -1);
    try (ServableModel f32 = loader.load(repositoryDir.resolve(F32).resolve("1"));
        ServableModel bf16 = loader.load(repositoryDir.resolve(BF16).resolve("1"))) {
      PredictionServiceGrpc.PredictionServiceBlockingStub stub = PredictionServiceGrpc.newBlockingStub(channel);
      Map<String, ServingLoad.Call> kinds = new LinkedHashMap<>();
      kinds.put("served_f32", (client, i) -> stub.withDeadlineAfter(10, TimeUnit.SECONDS)
          .predict(byModel.get(F32).get((int) (i % DISTINCT_REQUESTS))).getProbabilitiesCount());
      kinds.put("served_bf16", (client, i) -> stub.withDeadlineAfter(10, TimeUnit.SECONDS)
          .predict(byModel.get(BF16).get((int) (i % DISTINCT_REQUESTS))).getProbabilitiesCount());
      kinds.put("in_process_f32", (client, i) -> f32.predict(singles.get((int) (i % DISTINCT_REQUESTS))).length);
      kinds.put("in_process_bf16", (client, i) -> bf16.predict(singles.get((int) (i % DISTINCT_REQUESTS))).length);
      List<ServingLoad.Call> calls = List.copyOf(kinds.values());
      ServingLoad.latenciesMillis(requests, LATENCY_CHUNK, calls); // warm-up: JIT, oneDNN primitives
      List<Round> measured = new ArrayList<>();
      for (int round = 1; round <= rounds; round++) {
        double[][] millis = ServingLoad.latenciesMillis(requests, LATENCY_CHUNK, calls);
        Map<String, double[]> figures = new LinkedHashMap<>();
        int k = 0;
        for (String kind : kinds.keySet()) {
          figures.put(kind, new double[] {Stats.percentile(millis[k], 50), Stats.percentile(millis[k], 99)});
          k++;
        }
        measured.add(new Round(figures));
        System.out.printf(Locale.ROOT, "round %d: served f32 p50 %.3f p99 %.3f | served bf16 p50 %.3f p99 %.3f | "
                + "in process f32 p50 %.3f bf16 p50 %.3f ms%n", round, figures.get("served_f32")[0],
            figures.get("served_f32")[1], figures.get("served_bf16")[0], figures.get("served_bf16")[1],
            figures.get("in_process_f32")[0], figures.get("in_process_bf16")[0]);
      }
      return measured;
    } finally {
      channel.shutdownNow();
      server.stop();
    }
  }

  private String markdown(TrainingMetrics trained, Map<String, Object> quality, Map<String, Double> medians,
      double aucDelta) {
    StringBuilder md = new StringBuilder();
    md.append("# Serving precision: the reference preset at float32 and bfloat16 (").append(Reports.today())
        .append(")\n\n");
    md.append("`").append(command).append("` on ").append(MachineInfo.describe()).append(".\n\n");
    md.append(String.format(Locale.ROOT, "One checkpoint of `dlf-reference` on Frappe's fields (D=64, 3 layers, 32 "
            + "tokens, rank 24, hidden 512), trained %d epoch(s) at batch %d in %.0f s (a short run: its AUC is below "
            + "the quality runs'), exported twice: float32 and bfloat16 (`ExportTarget.precision`). Both versions "
            + "served by one server over loopback gRPC (%d TensorFlow thread(s) per op, served and in process), "
            + "batch 1, one client; the four kinds of call (served f32, "
            + "served bf16, in-process f32, in-process bf16) take turns in chunks of %d, %d calls of each per round, "
            + "%d rounds; medians of the rounds.%n%n", trained.getEpochsRun(), batch, trained.getWallSeconds(),
        intraThreads, LATENCY_CHUNK, requests, rounds));
    md.append("| | float32 | bfloat16 | bf16 / f32 |\n|---|---|---|---|\n");
    for (String figure : List.of("served_%s_p50_ms", "served_%s_p99_ms", "in_process_%s_p50_ms", "in_process_%s_p99_ms")) {
      double f = medians.get(String.format(figure, "f32"));
      double b = medians.get(String.format(figure, "bf16"));
      md.append(String.format(Locale.ROOT, "| %s | %.3f | %.3f | %.2f |%n", figure.replace("_%s", ""), f, b, b / f));
    }
    md.append(String.format(Locale.ROOT, "| test AUC (exported graph) | %.5f | %.5f | Δ %+.5f |%n",
        (double) quality.get("test_auc_f32"), (double) quality.get("test_auc_bf16"), aucDelta));
    md.append(String.format(Locale.ROOT, "| test logloss | %.5f | %.5f | |%n%n", (double) quality.get("test_logloss_f32"),
        (double) quality.get("test_logloss_bf16")));
    md.append(String.format(Locale.ROOT, "Largest |p_bf16 - p_f32| over the %d test rows: %.5f.%n%n",
        (int) quality.get("test_rows"), (double) quality.get("max_abs_probability_difference")));
    md.append(String.format(Locale.ROOT, "Targets: batch-1 p99 served < %.1f ms: %s (%.3f ms); |test AUC delta| <= "
            + "%.4f: %s.%n", ServingBenchmark.P99_TARGET_REFERENCE_MS,
        medians.get("served_bf16_p99_ms") < ServingBenchmark.P99_TARGET_REFERENCE_MS ? "met" : "not met",
        medians.get("served_bf16_p99_ms"), AUC_DELTA_TARGET, Math.abs(aucDelta) <= AUC_DELTA_TARGET ? "met" : "not met"));
    return md.toString();
  }
}
