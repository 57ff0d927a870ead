package io.dlf.bench;

import io.dlf.dsl.Presets;
import io.dlf.dsl.compile.BatchTensors;
import io.dlf.dsl.compile.SessionConfigs;
import io.dlf.dsl.compile.TrainingGraph;
import io.dlf.dsl.plan.ModelPlan;
import io.dlf.dsl.spec.ModelSpec;
import io.dlf.dsl.spec.Regularization;
import io.dlf.dsl.training.OptimizerSettings;
import io.dlf.trainer.data.BadRows;
import io.dlf.trainer.data.DatasetCatalog;
import io.dlf.trainer.encode.BatchStream;
import io.dlf.trainer.encode.DataPreparation;
import io.dlf.trainer.encode.LabeledBatch;
import io.dlf.trainer.encode.PreparationListener;
import io.dlf.trainer.encode.PreparedData;
import io.dlf.trainer.encode.PreparedDataCache;
import io.dlf.trainer.encode.ShardedSplit;
import io.dlf.trainer.encode.SplitPredictions;
import io.dlf.trainer.training.Metrics;
import io.dlf.trainer.training.Trainer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.tensorflow.Session;
import org.tensorflow.types.TFloat32;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Data at scale: prepares a dataset into shards (rows/s, bytes on disk, the process's peak RSS once
 * prepared), then trains the Frappe DLF quality configuration a fixed number of steps streamed from
 * the shards and from the same rows in memory, taking turns round after round, and compares the
 * samples per second (the time of a step includes waiting for its batch).
 */
@Command(name = "data-scale", mixinStandardHelpOptions = true)
public final class DataScale implements Callable<Integer> {
  @Option(names = "--dataset", defaultValue = DatasetCatalog.FRAPPE,
      description = "a dataset of the catalog (its splits under --data-root)") String dataset;
  @Option(names = "--rounds", defaultValue = "3") int rounds;
  @Option(names = "--warmup", defaultValue = "3", description = "untimed steps per mode and round") int warmup;
  @Option(names = "--steps", defaultValue = "30", description = "timed steps per mode and round") int steps;
  @Option(names = "--batch", defaultValue = "4096") int batch;
  @Option(names = "--threads", defaultValue = "2") int threads;
  @Option(names = "--data-root", defaultValue = "../shared/data") Path dataRoot;
  @Option(names = "--work-dir", defaultValue = "data/data-scale") Path workDir;
  @Option(names = "--results", defaultValue = "bench/results") Path results;

  private String command;

  public static void main(String[] args) {
    DataScale bench = new DataScale();
    bench.command = "bench/data-scale.sh " + String.join(" ", args);
    System.exit(new CommandLine(bench).execute(args));
  }

  /** The quality runs' DLF (bench/frappe-quality.sh's default sizes and regularization) on the dataset's features. */
  private static ModelSpec spec(DatasetCatalog.Entry entry) {
    return Presets.dlfPaper(new Presets.Size(16, 3, 16, 8, 128)).features(entry.features())
        .dropout(0f).regularization(new Regularization(0.1f, 0f)).build();
  }

  @Override
  public Integer call() throws Exception {
    DatasetCatalog.Entry entry = DatasetCatalog.get(dataset);
    ModelSpec spec = spec(entry);
    Path prepared = workDir.resolve("prepared");
    deleteRecursively(prepared);
    long start = System.nanoTime();
    PreparedData streamed = new PreparedDataCache(prepared).prepare(spec, entry.schema(), entry.splits(dataRoot),
        BadRows.FAIL, PreparationListener.NONE);
    double prepareSeconds = (System.nanoTime() - start) / 1e9;
    long rssAfterPrepare = MachineInfo.peakResidentMib();
    long rows = streamed.train().size() + streamed.validation().size() + streamed.test().size();
    long shardBytes = shardBytes(prepared);
    System.out.printf(Locale.ROOT, "prepared %,d rows in %.1f s (%,.0f rows/s), %,d bytes of shards, peak RSS %d MiB%n",
        rows, prepareSeconds, rows / prepareSeconds, shardBytes, rssAfterPrepare);

    List<Double> streamedRates = new ArrayList<>();
    List<Double> streamedAucs = new ArrayList<>();
    // the streamed mode's first round runs before the arrays are loaded: the RSS then is the streamed path's own
    streamedRates.add(measure(spec, streamed, 1, streamedAucs));
    long rssStreamed = MachineInfo.peakResidentMib();
    PreparedData inMemory = DataPreparation.prepare(spec, entry.schema(), entry.splits(dataRoot), BadRows.FAIL);
    List<Double> memoryRates = new ArrayList<>();
    List<Double> memoryAucs = new ArrayList<>();
    memoryRates.add(measure(spec, inMemory, 1, memoryAucs));
    for (int round = 2; round <= rounds; round++) {
      boolean streamedFirst = round % 2 == 1;
      for (boolean isStreamed : streamedFirst ? List.of(true, false) : List.of(false, true)) {
        (isStreamed ? streamedRates : memoryRates).add(measure(spec, isStreamed ? streamed : inMemory, round,
            isStreamed ? streamedAucs : memoryAucs));
      }
    }
    report(entry, rows, prepareSeconds, shardBytes, rssAfterPrepare, rssStreamed, streamedRates, memoryRates,
        streamedAucs, memoryAucs);
    return 0;
  }

  /** Trains warmup + steps steps from the round's first epoch; samples/s over the timed steps, and the validation AUC. */
  private double measure(ModelSpec spec, PreparedData data, int round, List<Double> aucs) {
    double seconds = 0;
    long samples = 0;
    OptimizerSettings settings = OptimizerSettings.defaults();
    try (TrainingGraph graph = TrainingGraph.build(ModelPlan.of(spec), data.layout(), 2019L, settings);
        Session session = new Session(graph.graph(), SessionConfigs.threads(threads, threads));
        TFloat32 rate = TFloat32.scalarOf(1e-3f);
        BatchStream batches = data.train().epoch(round, 1, batch, 0)) {
      session.initialize();
      for (int step = 0; step < warmup + steps; step++) {
        long start = System.nanoTime();
        LabeledBatch next = batches.next();
        try (BatchTensors inputs = new BatchTensors(data.layout(), next.inputs());
            TFloat32 labels = TFloat32.vectorOf(next.labels())) {
          inputs.feedByName(session.runner()).feed(graph.labels(), labels)
              .feed(graph.learningRate(), rate).addTarget(graph.trainStep()).fetch(graph.logLoss()).run().close();
          if (step >= warmup) {
            seconds += (System.nanoTime() - start) / 1e9;
            samples += next.labels().length;
          }
        }
      }
      aucs.add(validationAuc(session, graph, data));
    }
    System.out.printf(Locale.ROOT, "round %d %-9s %,.0f samples/s, validation AUC %.4f%n", round,
        data.train() instanceof ShardedSplit ? "streamed" : "in memory", samples / seconds,
        aucs.get(aucs.size() - 1));
    return samples / seconds;
  }

  private double validationAuc(Session session, TrainingGraph graph, PreparedData data) {
    SplitPredictions validation = Trainer.predict(session, graph, data, data.validation(), 8192);
    return Metrics.evaluate(validation.labels(), validation.probabilities()).getAuc();
  }

  private void report(DatasetCatalog.Entry entry, long rows, double prepareSeconds, long shardBytes, long rssPrepare,
      long rssStreamed, List<Double> streamedRates, List<Double> memoryRates, List<Double> streamedAucs,
      List<Double> memoryAucs) throws IOException {
    double streamed = Stats.median(streamedRates.stream().mapToDouble(Double::doubleValue).toArray());
    double memory = Stats.median(memoryRates.stream().mapToDouble(Double::doubleValue).toArray());
    double ratio = streamed / memory;
    String model = "dlf-paper (dim 16, 3 layers, 16 tokens, rank 8, hidden 128, embedding L2 0.1, dropout 0) on "
        + entry.name() + "'s " + entry.features().size() + " fields; batch " + batch + ", TensorFlow threads "
        + threads + "/" + threads;
    Map<String, Object> byRows = new LinkedHashMap<>();
    Map<String, Object> figures = new LinkedHashMap<>();
    figures.put("dataset", entry.name());
    figures.put("peak_rss_mb", rssStreamed);
    figures.put("peak_rss_mb_after_prepare", rssPrepare);
    figures.put("prepare_rows_per_s", rows / prepareSeconds);
    figures.put("prepare_seconds", prepareSeconds);
    figures.put("shards_bytes", shardBytes);
    byRows.put(Long.toString(rows), figures);
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("date", Reports.today());
    json.put("machine", MachineInfo.describe());
    json.put("command", command);
    json.put("model", model);
    json.put("rows", byRows);
    json.put("streamed_samples_per_s", streamed);
    json.put("in_memory_samples_per_s", memory);
    json.put("streamed_over_in_memory_ratio", ratio);
    json.put("streamed_validation_auc", streamedAucs);
    json.put("in_memory_validation_auc", memoryAucs);
    json.put("rounds", rounds);
    json.put("timed_steps_per_round", steps);
    Reports.writeJson(results.resolve("data-scale.json"), json);

    StringBuilder md = new StringBuilder();
    md.append("# Data at scale: prepared shards against in-memory arrays, ").append(Reports.today()).append("\n\n");
    md.append("- Machine: ").append(MachineInfo.describe()).append("\n");
    md.append("- Command: `").append(command).append("`\n");
    md.append("- Model: ").append(model).append("\n");
    md.append(String.format(Locale.ROOT, "- Measured: the dataset prepared once into shards (a fresh folder); then "
        + "%d rounds in which the model trains %d untimed and %d timed steps from a fresh graph, streamed from the "
        + "shards and from the same rows in memory, taking turns (the streamed first round before the arrays are "
        + "loaded, then alternating); a step's time includes waiting for its batch. Medians over rounds.%n%n",
        rounds, warmup, steps));
    md.append("| rows | prepare rows/s | shards on disk | peak RSS prepared | peak RSS streamed training |\n"
        + "|---|---|---|---|---|\n");
    md.append(String.format(Locale.ROOT, "| %,d | %,.0f | %,.1f MB | %d MiB | %d MiB |%n%n", rows, rows / prepareSeconds,
        shardBytes / 1e6, rssPrepare, rssStreamed));
    md.append(String.format(Locale.ROOT, "Training: streamed %,.0f samples/s, in memory %,.0f samples/s: ratio %.3f "
        + "(target: at least 0.9). Validation AUC after the timed steps, by round: streamed %s, in memory %s.%n",
        streamed, memory, ratio, aucs(streamedAucs), aucs(memoryAucs)));
    md.append("\nThe 1M, 10M and 50M-row runs on a Criteo-shaped dataset are to come with its generator "
        + "(`--dataset`).\n");
    Path markdown = results.resolve("data-scale-" + Reports.today() + ".md");
    Reports.write(markdown, md.toString());
    System.out.print(md);
    System.out.println("wrote " + results.resolve("data-scale.json") + ", " + markdown);
  }

  private static String aucs(List<Double> values) {
    return values.stream().map(v -> String.format(Locale.ROOT, "%.4f", v)).toList().toString();
  }

  private static long shardBytes(Path prepared) throws IOException {
    try (Stream<Path> files = Files.walk(prepared)) {
      return files.filter(f -> f.toString().endsWith(".bin")).mapToLong(f -> f.toFile().length()).sum();
    }
  }

  private static void deleteRecursively(Path path) throws IOException {
    if (!Files.exists(path)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(path)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
