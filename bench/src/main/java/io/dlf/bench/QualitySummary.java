package io.dlf.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** Per-preset means and spreads of quality runs made with one configuration, as JSON-ready maps and markdown. */
final class QualitySummary {
  private final Map<String, List<Map<String, Object>>> runsByPreset = new LinkedHashMap<>();

  QualitySummary(List<Map<String, Object>> runs) {
    for (Map<String, Object> run : runs) {
      runsByPreset.computeIfAbsent((String) run.get("preset"), p -> new ArrayList<>()).add(run);
    }
  }

  /** For each preset: the mean test AUC and logloss, per-seed values, seeds, configuration, epochs and wall time. */
  Map<String, Map<String, Object>> byPreset() {
    Map<String, Map<String, Object>> out = new LinkedHashMap<>();
    runsByPreset.forEach((preset, runs) -> {
      double[] auc = numbers(runs, "test_auc");
      double[] logloss = numbers(runs, "test_logloss");
      Map<String, Object> summary = new LinkedHashMap<>();
      summary.put("preset", preset);
      summary.put("config", runs.get(0).get("config"));
      // runs from before the model's own settings were recorded trained with the config's
      summary.put("model", runs.get(0).getOrDefault("model", runs.get(0).get("config")));
      summary.put("non_embedding_parameters", runs.get(0).get("non_embedding_parameters"));
      summary.put("seeds", values(runs, "seed"));
      summary.put("test_auc", Stats.mean(auc));
      summary.put("test_auc_std", Stats.std(auc));
      summary.put("test_logloss", Stats.mean(logloss));
      summary.put("test_logloss_std", Stats.std(logloss));
      summary.put("test_auc_per_seed", auc);
      summary.put("test_logloss_per_seed", logloss);
      summary.put("epochs", values(runs, "epochs"));
      summary.put("best_epochs", values(runs, "best_epoch"));
      summary.put("wall_seconds", numbers(runs, "wall_seconds"));
      out.put(preset, summary);
    });
    return out;
  }

  String markdown(String command, double paperAuc, double paperLogloss) {
    StringBuilder md = new StringBuilder("# DLF on Frappe: test quality\n\n");
    md.append("- Date: ").append(Reports.today()).append("\n");
    md.append("- Machine: ").append(MachineInfo.describe()).append("\n");
    md.append("- Commands (each run is appended as it finishes): ").append(commands(command)).append("\n");
    Map<String, Map<String, Object>> presets = byPreset();
    if (!presets.isEmpty()) {
      md.append("- Configuration (every preset): ").append(describe(presets.values().iterator().next().get("config")))
          .append("\n");
    }
    md.append(String.format("- The paper reports DLF at test AUC %.4f and logloss %.4f (D = 64, batch 10,000, 5-run mean).%n%n",
        paperAuc, paperLogloss));
    md.append(table());
    return md.toString();
  }

  /** These runs as a section of their own: their configuration, then their table. */
  String section() {
    StringBuilder md = new StringBuilder("\n## Configuration: ");
    byPreset().values().stream().findFirst().ifPresent(s -> md.append(describe(s.get("config"))));
    return md.append("\n\n- Commands: ").append(commands("")).append("\n\n").append(table()).toString();
  }

  private String table() {
    StringBuilder md = new StringBuilder();
    md.append("| preset | params (non-emb.) | seeds | test AUC mean ± std | test logloss mean ± std | per-seed AUC | epochs (best) |\n");
    md.append("|---|---|---|---|---|---|---|\n");
    byPreset().forEach((preset, s) -> md.append(String.format("| %s | %,d | %s | %s | %s | %s | %s (%s) |%n",
        preset, ((Number) s.get("non_embedding_parameters")).longValue(), join(s.get("seeds")),
        meanStd(s, "test_auc"), meanStd(s, "test_logloss"),
        join4((double[]) s.get("test_auc_per_seed")), join(s.get("epochs")), join(s.get("best_epochs")))));
    return md.toString();
  }

  /** The distinct commands that made these runs, in order (runs from before commands were recorded: {@code fallback}). */
  String commands(String fallback) {
    return runsByPreset.values().stream().flatMap(List::stream)
        .map(r -> (String) r.getOrDefault("command", fallback))
        .distinct().map(c -> "`" + c + "`").collect(Collectors.joining("; "));
  }

  /** A configuration map as {@code key value, ...}, whole numbers without a fraction (JSON reads them back as doubles). */
  static String describe(Object config) {
    return ((Map<?, ?>) config).entrySet().stream()
        .map(e -> e.getKey() + " " + (e.getValue() instanceof Number n ? number(n) : e.getValue()))
        .collect(Collectors.joining(", "));
  }

  static String number(Number n) {
    double value = n.doubleValue();
    return value == Math.rint(value) ? Long.toString((long) value) : Float.toString((float) value);
  }

  /** {@code mean ± std} of a summary's metric; a single seed has no spread to show. */
  static String meanStd(Map<String, Object> summary, String metric) {
    double mean = (double) summary.get(metric);
    if (((List<?>) summary.get("seeds")).size() < 2) {
      return String.format(Locale.ROOT, "%.4f (1 seed)", mean);
    }
    return String.format(Locale.ROOT, "%.4f ± %.4f", mean, (double) summary.get(metric + "_std"));
  }

  private static double[] numbers(List<Map<String, Object>> runs, String key) {
    return runs.stream().mapToDouble(r -> ((Number) r.get(key)).doubleValue()).toArray();
  }

  private static List<Long> values(List<Map<String, Object>> runs, String key) {
    return runs.stream().map(r -> ((Number) r.get(key)).longValue()).toList();
  }

  static String join(Object list) {
    return ((List<?>) list).stream().map(String::valueOf).collect(Collectors.joining(", "));
  }

  private static String join4(double[] values) {
    return java.util.Arrays.stream(values).mapToObj(v -> String.format("%.4f", v)).collect(Collectors.joining(", "));
  }
}
