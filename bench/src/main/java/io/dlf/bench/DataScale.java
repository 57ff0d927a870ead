package io.dlf.bench;

import com.google.gson.GsonBuilder;
import com.google.gson.ToNumberPolicy;
import com.google.gson.reflect.TypeToken;
import io.dlf.dsl.spec.ModelSpec;
import io.dlf.trainer.data.BadRows;
import io.dlf.trainer.data.DatasetCatalog;
import io.dlf.trainer.data.GeneratedDatasets;
import io.dlf.trainer.data.GenerationListener;
import io.dlf.trainer.encode.DataPreparation;
import io.dlf.trainer.encode.PreparationListener;
import io.dlf.trainer.encode.PreparedData;
import io.dlf.trainer.encode.PreparedDataCache;
import io.dlf.trainer.encode.ShardedSplit;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Data at scale. First Frappe: prepared once into shards (rows/s, bytes on disk, peak RSS), then the
 * Frappe DLF quality configuration trains a fixed number of steps streamed from the shards and from
 * the same rows in memory, taking turns round after round (samples/s; the same model, the same
 * data). Then, per row count of {@code --criteo-rows}, smallest first: the Criteo-shaped dataset is
 * generated (timed apart; reused when already there) and a fresh JVM ({@link CriteoScaleWorker})
 * prepares it and trains the same DLF on it streamed, so that each size's peak RSS is its own. The
 * report is rewritten after each size, so an unfinished run still reports the sizes it finished.
 */
@Command(name = "data-scale", mixinStandardHelpOptions = true)
public final class DataScale implements Callable<Integer> {
  @Option(names = "--dataset", defaultValue = DatasetCatalog.FRAPPE,
      description = "a dataset of the catalog (its splits under --data-root), streamed against in memory") String dataset;
  @Option(names = "--criteo-rows", split = ",", description = "row counts of the Criteo-shaped dataset, e.g. "
      + "1000000,10000000,50000000") List<Integer> criteoRows = List.of();
  @Option(names = "--generated-dir", defaultValue = "data/generated",
      description = "where the Criteo-shaped datasets are generated and reused") Path generatedDir;
  @Option(names = "--worker-heap", defaultValue = "1g",
      description = "the Criteo-shaped runs' -Xmx (their RSS adds TensorFlow's native memory)") String workerHeap;
  @Option(names = "--hash-buckets", defaultValue = "524288", description = "the buckets of each hashed "
      + "Criteo-shaped column: 2^19 keeps the worker under 4 GB of RSS; 2^20 took 4.4 GB") int hashBuckets;
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

  /** The catalog dataset's figures: preparation, and the same model streamed and in memory. */
  private record InMemoryComparison(String dataset, int fields, long rows, double prepareSeconds, long shardBytes,
      long rssPrepare, long rssStreamed, List<Double> streamedRates, List<Double> memoryRates,
      List<Double> streamedAucs, List<Double> memoryAucs) {

    double streamed() {
      return median(streamedRates);
    }

    double inMemory() {
      return median(memoryRates);
    }

    private static double median(List<Double> values) {
      return Stats.median(values.stream().mapToDouble(Double::doubleValue).toArray());
    }
  }

  /** A Criteo-shaped row count's figures: its generation apart, then what its worker measured. */
  private record ScaleRun(int rows, Double generationSeconds, Map<String, Object> worker) {
    double number(String key) {
      return ((Number) worker.get(key)).doubleValue();
    }
  }

  @Override
  public Integer call() throws Exception {
    InMemoryComparison comparison = compareInMemory();
    report(comparison, List.of());
    List<ScaleRun> runs = new ArrayList<>();
    for (int rows : criteoRows.stream().sorted().toList()) {
      Double generationSeconds = generate(rows);
      List<String> args = List.of("--rows", Integer.toString(rows), "--generated-dir", generatedDir.toString(),
          "--work-dir", workDir.toString(), "--hash-buckets", Integer.toString(hashBuckets), "--warmup", Integer.toString(warmup), "--steps", Integer.toString(steps),
          "--batch", Integer.toString(batch), "--threads", Integer.toString(threads));
      // whole numbers stay whole (Gson's default reads every number as a double)
      Map<String, Object> worker = new GsonBuilder().setObjectToNumberStrategy(ToNumberPolicy.LONG_OR_DOUBLE).create()
          .fromJson(ChildJvm.run(CriteoScaleWorker.class, workerHeap, args),
          new TypeToken<LinkedHashMap<String, Object>>() {}.getType());
      runs.add(new ScaleRun(rows, generationSeconds, worker));
      report(comparison, runs);
    }
    return 0;
  }

  private InMemoryComparison compareInMemory() throws IOException {
    DatasetCatalog.Entry entry = DatasetCatalog.get(dataset);
    ModelSpec spec = ScaleModel.on(entry.features());
    Path prepared = workDir.resolve("prepared-" + entry.name());
    ShardFolders.deleteRecursively(prepared);
    long start = System.nanoTime();
    PreparedData streamed = new PreparedDataCache(prepared).prepare(spec, entry.schema(), entry.splits(dataRoot),
        BadRows.FAIL, PreparationListener.NONE);
    double prepareSeconds = (System.nanoTime() - start) / 1e9;
    long rssAfterPrepare = MachineInfo.peakResidentMib();
    long rows = streamed.train().size() + streamed.validation().size() + streamed.test().size();
    long shardBytes = ShardFolders.shardBytes(prepared);
    System.out.printf(Locale.ROOT, "prepared %,d rows in %.1f s (%,.0f rows/s), %,d bytes of shards, peak RSS %d MiB%n",
        rows, prepareSeconds, rows / prepareSeconds, shardBytes, rssAfterPrepare);

    FixedSteps fixedSteps = new FixedSteps(warmup, steps, batch, threads);
    List<Double> streamedRates = new ArrayList<>();
    List<Double> streamedAucs = new ArrayList<>();
    // the streamed mode's first round runs before the arrays are loaded: the RSS then is the streamed path's own
    measure(fixedSteps, spec, streamed, 1, streamedRates, streamedAucs);
    long rssStreamed = MachineInfo.peakResidentMib();
    PreparedData inMemory = DataPreparation.prepare(spec, entry.schema(), entry.splits(dataRoot), BadRows.FAIL);
    List<Double> memoryRates = new ArrayList<>();
    List<Double> memoryAucs = new ArrayList<>();
    measure(fixedSteps, spec, inMemory, 1, memoryRates, memoryAucs);
    for (int round = 2; round <= rounds; round++) {
      boolean streamedFirst = round % 2 == 1;
      for (boolean isStreamed : streamedFirst ? List.of(true, false) : List.of(false, true)) {
        measure(fixedSteps, spec, isStreamed ? streamed : inMemory, round, isStreamed ? streamedRates : memoryRates,
            isStreamed ? streamedAucs : memoryAucs);
      }
    }
    return new InMemoryComparison(entry.name(), entry.features().size(), rows, prepareSeconds, shardBytes,
        rssAfterPrepare, rssStreamed, streamedRates, memoryRates, streamedAucs, memoryAucs);
  }

  private static void measure(FixedSteps fixedSteps, ModelSpec spec, PreparedData data, int round, List<Double> rates,
      List<Double> aucs) {
    FixedSteps.Timed timed = fixedSteps.run(spec, data, round, true);
    rates.add(timed.samplesPerSecond());
    aucs.add(timed.validationAuc().orElseThrow());
    System.out.printf(Locale.ROOT, "round %d %-9s %,.0f samples/s, validation AUC %.4f%n", round,
        data.train() instanceof ShardedSplit ? "streamed" : "in memory", timed.samplesPerSecond(),
        timed.validationAuc().orElseThrow());
  }

  /**
   * Generates the Criteo-shaped dataset of {@code rows} rows unless it is there: the seconds it took,
   * kept beside it so that a later run reusing it still reports them; null when it was there without them.
   */
  private Double generate(int rows) throws IOException {
    String name = GeneratedDatasets.SYNTHETIC_CRITEO + ":" + rows;
    Path seconds = generatedDir.resolve(GeneratedDatasets.SYNTHETIC_CRITEO + "-" + rows + ".generation-seconds");
    boolean there = Files.isDirectory(generatedDir.resolve(GeneratedDatasets.SYNTHETIC_CRITEO + "-" + rows));
    if (there) {
      return Files.exists(seconds) ? Double.valueOf(Files.readString(seconds).strip()) : null;
    }
    long start = System.nanoTime();
    new GeneratedDatasets(generatedDir).splits(name, GenerationListener.NONE);
    double elapsed = (System.nanoTime() - start) / 1e9;
    Files.writeString(seconds, Double.toString(elapsed));
    System.out.printf(Locale.ROOT, "generated %,d Criteo-shaped rows in %.1f s%n", rows, elapsed);
    return elapsed;
  }

  private void report(InMemoryComparison frappe, List<ScaleRun> runs) throws IOException {
    double ratio = frappe.streamed() / frappe.inMemory();
    String model = ScaleModel.DESCRIPTION + "; batch " + batch + ", TensorFlow threads " + threads + "/" + threads
        + ", row-wise Adam on the embedding tables";
    String criteoFeatures = "I1..I13 through the Criteo log-squared buckets (min count 2); C1..C26 categorical "
        + "(min count 2), except those with more than " + ScaleModel.HASH_ABOVE + " distinct values ("
        + String.join(", ", ScaleModel.hashedCriteoColumns()) + ") hashed into " + hashBuckets
        + " buckets each";
    List<Integer> unfinished = criteoRows.stream().sorted().skip(runs.size()).toList();

    Map<String, Object> byRows = new LinkedHashMap<>();
    for (ScaleRun run : runs) {
      Map<String, Object> figures = new LinkedHashMap<>();
      figures.put("dataset", GeneratedDatasets.SYNTHETIC_CRITEO + ":" + run.rows());
      figures.put("peak_rss_mb", (long) Math.max(run.number("peak_rss_mb_prepare"), run.number("peak_rss_mb_training")));
      figures.put("generation_seconds", run.generationSeconds());
      figures.putAll(run.worker());
      figures.put("streamed_over_frappe_in_memory", run.number("streamed_samples_per_s") / frappe.inMemory());
      byRows.put(Integer.toString(run.rows()), figures);
    }
    Map<String, Object> inMemoryFigures = new LinkedHashMap<>();
    inMemoryFigures.put("dataset", frappe.dataset());
    inMemoryFigures.put("rows", frappe.rows());
    inMemoryFigures.put("prepare_rows_per_s", frappe.rows() / frappe.prepareSeconds());
    inMemoryFigures.put("prepare_seconds", frappe.prepareSeconds());
    inMemoryFigures.put("shards_bytes", frappe.shardBytes());
    inMemoryFigures.put("peak_rss_mb_after_prepare", frappe.rssPrepare());
    inMemoryFigures.put("peak_rss_mb_streamed_training", frappe.rssStreamed());
    inMemoryFigures.put("streamed_samples_per_s", frappe.streamed());
    inMemoryFigures.put("in_memory_samples_per_s", frappe.inMemory());
    inMemoryFigures.put("streamed_validation_auc", frappe.streamedAucs());
    inMemoryFigures.put("in_memory_validation_auc", frappe.memoryAucs());

    Map<String, Object> json = new LinkedHashMap<>();
    json.put("date", Reports.today());
    json.put("machine", MachineInfo.describe());
    json.put("command", command);
    json.put("model", model);
    json.put("criteo_shaped_features", criteoFeatures);
    json.put("worker_heap", workerHeap);
    json.put("hash_buckets", hashBuckets);
    json.put("rows", byRows);
    json.put("unfinished_rows", unfinished);
    json.put("streamed_over_in_memory_ratio", ratio);
    json.put("streamed_over_in_memory", "the same model on " + frappe.dataset() + ", streamed from its shards "
        + "vs from arrays in memory, medians over rounds of this run");
    json.put(frappe.dataset(), inMemoryFigures);
    json.put("rounds", rounds);
    json.put("timed_steps_per_round", steps);
    Reports.writeJson(results.resolve("data-scale.json"), json);

    StringBuilder md = new StringBuilder();
    md.append("# Data at scale: Criteo-shaped data streamed from shards, ").append(Reports.today()).append("\n\n");
    md.append("- Machine: ").append(MachineInfo.describe()).append("\n");
    md.append("- Command: `").append(command).append("`\n");
    md.append("- Model: ").append(model).append("\n");
    md.append("- Criteo-shaped features: ").append(criteoFeatures).append("\n");
    md.append(String.format(Locale.ROOT, "- Measured: %s prepared once into shards (a fresh folder), then %d rounds "
        + "in which the model trains %d untimed and %d timed steps from a fresh graph, streamed from the shards and "
        + "from the same rows in memory, taking turns (the streamed first round before the arrays are loaded, then "
        + "alternating); medians over rounds. Then per Criteo-shaped row count, in a fresh JVM (-Xmx%s): "
        + "generation (timed apart, not part of preparation), preparation into fresh shards, and %d untimed and %d "
        + "timed steps streamed, once. A step's time includes waiting for its batch. Peak RSS is the process's "
        + "VmHWM, restarted between preparation and training (/proc/self/clear_refs).%n%n",
        frappe.dataset(), rounds, warmup, steps, workerHeap, warmup, steps));
    md.append("| rows | generation | prepare rows/s | shards on disk | peak RSS preparing | peak RSS training | "
        + "streamed samples/s | ÷ " + frappe.dataset() + " in memory |\n|---|---|---|---|---|---|---|---|\n");
    for (ScaleRun run : runs) {
      md.append(String.format(Locale.ROOT, "| %,d | %s | %,.0f | %,.2f GB | %,.0f MiB | %,.0f MiB | %,.0f | %.3f |%n",
          run.rows(), run.generationSeconds() == null ? "reused" : String.format(Locale.ROOT, "%.0f s",
              run.generationSeconds()), run.number("prepare_rows_per_s"), run.number("shards_bytes") / 1e9,
          run.number("peak_rss_mb_prepare"), run.number("peak_rss_mb_training"), run.number("streamed_samples_per_s"),
          run.number("streamed_samples_per_s") / frappe.inMemory()));
    }
    for (int rows : unfinished) {
      md.append(String.format(Locale.ROOT, "| %,d | not finished | | | | | | |%n", rows));
    }
    md.append(String.format(Locale.ROOT, "%n%s (%,d rows, %d fields): prepared at %,.0f rows/s into %,.1f MB of "
        + "shards, peak RSS %d MiB after preparation and %d MiB after the first streamed round. Training: streamed "
        + "%,.0f samples/s, in memory %,.0f samples/s: ratio %.3f (same model, same data; target: at least 0.9). "
        + "Validation AUC after the timed steps, by round: streamed %s, in memory %s.%n",
        frappe.dataset(), frappe.rows(), frappe.fields(), frappe.rows() / frappe.prepareSeconds(),
        frappe.shardBytes() / 1e6, frappe.rssPrepare(), frappe.rssStreamed(), frappe.streamed(), frappe.inMemory(),
        ratio, aucs(frappe.streamedAucs()), aucs(frappe.memoryAucs())));
    Path markdown = results.resolve("data-scale-" + Reports.today() + ".md");
    Reports.write(markdown, md.toString());
    System.out.print(md);
    System.out.println("wrote " + results.resolve("data-scale.json") + ", " + markdown);
  }

  private static String aucs(List<Double> values) {
    return values.stream().map(v -> String.format(Locale.ROOT, "%.4f", v)).toList().toString();
  }
}
