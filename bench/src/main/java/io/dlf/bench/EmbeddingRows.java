package io.dlf.bench;

import io.dlf.dsl.Presets;
import io.dlf.dsl.compile.BatchTensors;
import io.dlf.dsl.compile.SessionConfigs;
import io.dlf.dsl.compile.TrainingGraph;
import io.dlf.dsl.plan.ModelPlan;
import io.dlf.dsl.spec.Feature;
import io.dlf.dsl.spec.ModelSpec;
import io.dlf.dsl.spec.Regularization;
import io.dlf.dsl.training.EmbeddingUpdates;
import io.dlf.dsl.training.OptimizerSettings;
import io.dlf.trainer.data.BadRows;
import io.dlf.trainer.data.DatasetCatalog;
import io.dlf.trainer.encode.BatchStream;
import io.dlf.trainer.encode.DataPreparation;
import io.dlf.trainer.encode.LabeledBatch;
import io.dlf.trainer.encode.PreparedData;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.tensorflow.Session;
import org.tensorflow.types.TFloat32;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * Training step time against embedding rows: the Frappe DLF configuration of the quality runs with
 * every field hashed, into about 10 thousand and about 10 million rows in all, with dense and with
 * row-wise Adam on the table, the same batches of Frappe's training split. The four configurations
 * take turns, round after round (each builds and initializes its graph afresh, so one table is in
 * memory at a time), and each reports the median of its timed steps over all rounds.
 */
@Command(name = "embedding-rows", mixinStandardHelpOptions = true)
public final class EmbeddingRows implements Callable<Integer> {
  @Option(names = "--rows", split = ",", defaultValue = "10000,10000000",
      description = "total table rows to compare (each field gets rows / fields buckets)") List<Integer> rows;
  @Option(names = "--rounds", defaultValue = "3") int rounds;
  @Option(names = "--warmup", defaultValue = "2", description = "untimed steps per configuration and round") int warmup;
  @Option(names = "--steps", defaultValue = "8", description = "timed steps per configuration and round") int steps;
  @Option(names = "--batch", defaultValue = "4096") int batch;
  @Option(names = "--threads", defaultValue = "2") int threads;
  @Option(names = "--data-root", defaultValue = "../shared/data") Path dataRoot;
  @Option(names = "--results", defaultValue = "bench/results") Path results;

  private String command;

  /** One model size and way of updating, with its step times from every round. */
  private record Config(int rows, EmbeddingUpdates updates, List<Double> stepSeconds) {
    String key() {
      return updates.name().toLowerCase(Locale.ROOT) + "_" + rows;
    }

    double median() {
      return Stats.median(stepSeconds.stream().mapToDouble(Double::doubleValue).toArray());
    }
  }

  public static void main(String[] args) {
    EmbeddingRows bench = new EmbeddingRows();
    bench.command = "bench/embedding-rows.sh " + String.join(" ", args);
    System.exit(new CommandLine(bench).setCaseInsensitiveEnumValuesAllowed(true).execute(args));
  }

  /** The quality runs' DLF (bench/frappe-quality.sh's default sizes and regularization) with hashed fields. */
  static ModelSpec spec(int totalRows) {
    List<Feature> fields = DatasetCatalog.FRAPPE_FIELDS.stream()
        .map(name -> Feature.categorical(name).hashBuckets(totalRows / DatasetCatalog.FRAPPE_FIELDS.size()))
        .toList();
    return Presets.dlfPaper(new Presets.Size(16, 3, 16, 8, 128)).features(fields)
        .dropout(0f).regularization(new Regularization(0.1f, 0f)).build();
  }

  @Override
  public Integer call() throws Exception {
    DatasetCatalog.Entry frappe = DatasetCatalog.get(DatasetCatalog.FRAPPE);
    Map<Integer, PreparedData> data = new LinkedHashMap<>();
    List<Config> configs = new ArrayList<>();
    for (int total : rows) {
      data.put(total, DataPreparation.prepare(spec(total), frappe.schema(), frappe.splits(dataRoot), BadRows.FAIL));
      for (EmbeddingUpdates updates : List.of(EmbeddingUpdates.DENSE, EmbeddingUpdates.ROW_WISE)) {
        configs.add(new Config(total, updates, new ArrayList<>()));
      }
    }
    for (int round = 1; round <= rounds; round++) {
      // alternate the order, so no configuration always follows the same one
      List<Config> order = new ArrayList<>(configs);
      if (round % 2 == 0) {
        Collections.reverse(order);
      }
      for (Config config : order) {
        List<Double> times = measure(config, data.get(config.rows()), round);
        config.stepSeconds().addAll(times);
        System.out.printf(Locale.ROOT, "round %d %-18s median %.3f s/step over %d steps%n", round, config.key(),
            Stats.median(times.stream().mapToDouble(Double::doubleValue).toArray()), times.size());
      }
    }
    report(configs, data);
    return 0;
  }

  /** Builds and initializes the configuration's graph, then times {@code steps} steps after {@code warmup}. */
  private List<Double> measure(Config config, PreparedData data, int round) {
    ModelSpec spec = spec(config.rows());
    List<Double> times = new ArrayList<>();
    OptimizerSettings settings = OptimizerSettings.defaults().embeddingUpdates(config.updates());
    try (TrainingGraph graph = TrainingGraph.build(ModelPlan.of(spec), data.layout(), 2019L, settings);
        Session session = new Session(graph.graph(), SessionConfigs.threads(threads, threads));
        TFloat32 rate = TFloat32.scalarOf(1e-3f)) {
      session.initialize();
      // full batches only, shuffled from the round's seed, epoch after epoch
      int epoch = 1;
      BatchStream batches = data.train().epoch(round, epoch, batch, 0);
      for (int step = 0; step < warmup + steps; step++) {
        LabeledBatch next = batches.next();
        if (next == null || next.labels().length < batch) {
          batches.close();
          batches = data.train().epoch(round, ++epoch, batch, 0);
          next = batches.next();
        }
        try (BatchTensors inputs = new BatchTensors(data.layout(), next.inputs());
            TFloat32 labels = TFloat32.vectorOf(next.labels())) {
          long start = System.nanoTime();
          inputs.feedByName(session.runner()).feed(graph.labels(), labels)
              .feed(graph.learningRate(), rate).addTarget(graph.trainStep()).fetch(graph.logLoss()).run().close();
          double seconds = (System.nanoTime() - start) / 1e9;
          if (step >= warmup) {
            times.add(seconds);
          }
        }
      }
      batches.close();
    }
    return times;
  }

  private void report(List<Config> configs, Map<Integer, PreparedData> data) throws Exception {
    Map<String, Config> byKey = new LinkedHashMap<>();
    configs.forEach(c -> byKey.put(c.key(), c));
    int small = rows.get(0);
    int large = rows.get(rows.size() - 1);
    double rowWiseRatio = byKey.get("row_wise_" + large).median() / byKey.get("row_wise_" + small).median();
    double denseRatio = byKey.get("dense_" + large).median() / byKey.get("dense_" + small).median();
    String model = "dlf-paper (dim 16, 3 layers, 16 tokens, rank 8, hidden 128, embedding L2 0.1, dropout 0) on "
        + "Frappe's 10 fields, each hashed; batch " + batch + ", TensorFlow threads " + threads + "/" + threads;

    Map<String, Object> json = new LinkedHashMap<>();
    json.put("date", Reports.today());
    json.put("machine", MachineInfo.describe());
    json.put("command", command);
    json.put("model", model);
    Map<String, Object> medians = new LinkedHashMap<>();
    for (Config c : configs) {
      medians.put(c.key(), c.median());
    }
    json.put("median_step_seconds", medians);
    json.put("table_rows", tableRows(data));
    json.put("row_wise_large_over_small_ratio", rowWiseRatio);
    json.put("dense_large_over_small_ratio", denseRatio);
    json.put("target", "row-wise step at " + large + " rows within 1.5x of the step at " + small + " rows");
    json.put("target_met", rowWiseRatio <= 1.5);
    json.put("rounds", rounds);
    json.put("timed_steps_per_round", steps);
    Reports.writeJson(results.resolve("embedding-rows.json"), json);

    StringBuilder md = new StringBuilder();
    md.append("# Training step time against embedding rows, ").append(Reports.today()).append("\n\n");
    md.append("- Machine: ").append(MachineInfo.describe()).append("\n");
    md.append("- Command: `").append(command).append("`\n");
    md.append("- Model: ").append(model).append("\n");
    md.append(String.format(Locale.ROOT, "- Measured: %d rounds; in each, every configuration builds and initializes "
        + "its graph, runs %d untimed steps, then times %d steps on the same shuffled batches of Frappe's training "
        + "split; the configurations take turns (order reversed every other round). Medians over all timed steps.%n%n",
        rounds, warmup, steps));
    md.append("| table rows | dense Adam s/step | row-wise Adam s/step | dense / row-wise |\n|---|---|---|---|\n");
    for (int total : rows) {
      double dense = byKey.get("dense_" + total).median();
      double rowWise = byKey.get("row_wise_" + total).median();
      md.append(String.format(Locale.ROOT, "| %,d | %.3f | %.3f | %.2f |%n", tableRows(data).get(Integer.toString(total)),
          dense, rowWise, dense / rowWise));
    }
    md.append(String.format(Locale.ROOT, "%nRow-wise: the %,d-row step is %.2fx the %,d-row step (target: at most 1.5x): "
        + "%s. Dense: %.2fx.%n", large, rowWiseRatio, small, rowWiseRatio <= 1.5 ? "met" : "not met", denseRatio));
    Path markdown = results.resolve("embedding-rows-" + Reports.today() + ".md");
    Reports.write(markdown, md.toString());
    System.out.print(md);
    System.out.println("wrote " + results.resolve("embedding-rows.json") + ", " + markdown);
  }

  /** The rows of the one embedding table (every field's buckets and padding row), by the --rows value. */
  private static Map<String, Object> tableRows(Map<Integer, PreparedData> data) {
    Map<String, Object> out = new LinkedHashMap<>();
    data.forEach((total, prepared) -> out.put(Integer.toString(total), prepared.layout().tableRows()));
    return out;
  }
}
