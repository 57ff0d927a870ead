package io.dlf.bench;

import io.dlf.dsl.Presets;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;

/** A study's table (mean ± std of test AUC and logloss per row) as markdown, and its bar charts as one PNG. */
final class StudyReport {
  private static final String AUC = "test_auc";
  private static final String LOGLOSS = "test_logloss";
  private final Study study;
  private final Map<String, Object> config;
  private final Map<String, Map<String, Object>> byPreset;

  /**
   * {@code byPreset}: {@link QualitySummary#byPreset()} of the study's rows, each made with
   * {@code config} or, for a preset whose model does not follow it, with the protocol's.
   */
  StudyReport(Study study, Map<String, Object> config, Map<String, Map<String, Object>> byPreset) {
    this.study = study;
    this.config = config;
    this.byPreset = byPreset;
  }

  /** Writes {@code <study>.md} and {@code <study>.png} under {@code dir}. */
  void write(Path dir, String commands, String protocol) throws IOException {
    List<String> done = study.presets.stream().filter(byPreset::containsKey).toList();
    Path png = dir.resolve(study.file + ".png");
    if (!done.isEmpty()) {
      BitmapEncoder.saveBitmap(List.of(chart(done, AUC, "test AUC"), chart(done, LOGLOSS, "test logloss")), 1, 2,
          png.toString(), BitmapEncoder.BitmapFormat.PNG);
    }
    Reports.write(dir.resolve(study.file + ".md"), markdown(commands, protocol, png.getFileName().toString()));
  }

  String markdown(String commands, String protocol, String png) {
    // the paper's DLF where it has run; the released code's form where only that has
    String reference = !byPreset.containsKey(Presets.DLF_PAPER) && byPreset.containsKey(Presets.DLF_REFERENCE)
        && study.presets.contains(Presets.DLF_REFERENCE) ? Presets.DLF_REFERENCE : Presets.DLF_PAPER;
    StringBuilder md = new StringBuilder("# ").append(study.title).append("\n\n");
    md.append("- Date: ").append(Reports.today()).append("\n");
    md.append("- Machine: ").append(MachineInfo.describe()).append("\n");
    md.append("- Commands: ").append(commands).append("\n");
    md.append("- Configuration: ").append(QualitySummary.describe(config)).append("\n");
    md.append("- Protocol: ").append(protocol).append("\n");
    md.append("- ").append(study.note).append("\n\n");
    md.append("| variant | preset | D / dropout / emb. L2 | params (non-emb.) | seeds | test AUC mean ± std | "
        + "test logloss mean ± std | Δ AUC vs ").append(study.labels.get(reference)).append(" | ")
        .append(study.paperColumn).append(" |\n");
    md.append("|---|---|---|---|---|---|---|---|---|\n");
    Map<String, Object> dlf = byPreset.get(reference);
    for (String preset : study.presets) {
      Map<String, Object> s = byPreset.get(preset);
      String label = study.labels.get(preset);
      String paper = study.paper.get(preset);
      if (s == null) {
        md.append(String.format("| %s | %s | | | not run yet | | | | %s |%n", label, preset, paper));
        continue;
      }
      String delta = dlf == null || preset.equals(reference) ? "" : String.format(Locale.ROOT, "%+.4f",
          mean(s, AUC) - mean(dlf, AUC));
      md.append(String.format(Locale.ROOT, "| %s | %s | %s | %,d | %s | %s | %s | %s | %s |%n",
          label, preset, settings(s.get("model")), ((Number) s.get("non_embedding_parameters")).longValue(),
          QualitySummary.join(s.get("seeds")),
          QualitySummary.meanStd(s, AUC), QualitySummary.meanStd(s, LOGLOSS), delta, paper));
    }
    md.append("\n![").append(study.title).append("](").append(png).append(")\n");
    return md.toString();
  }

  private CategoryChart chart(List<String> done, String metric, String axis) {
    CategoryChart chart = new CategoryChartBuilder().width(640).height(420).title(study.title)
        .xAxisTitle("variant").yAxisTitle(axis + " (mean ± std over seeds)").build();
    double[] mean = done.stream().mapToDouble(p -> mean(byPreset.get(p), metric)).toArray();
    double[] std = done.stream().mapToDouble(p -> (double) byPreset.get(p).get(metric + "_std")).toArray();
    double low = Double.MAX_VALUE;
    double high = -Double.MAX_VALUE;
    for (int i = 0; i < mean.length; i++) {
      low = Math.min(low, mean[i] - std[i]);
      high = Math.max(high, mean[i] + std[i]);
    }
    // The differences are in the third decimal: a zero-based axis would hide them.
    double margin = Math.max(0.0005, (high - low) * 0.25);
    chart.getStyler().setYAxisMin(low - margin).setYAxisMax(high + margin).setYAxisDecimalPattern("0.0000")
        .setLegendVisible(false);
    chart.addSeries(axis, done.stream().map(study.labels::get).toList(),
        Arrays.stream(mean).boxed().toList(), Arrays.stream(std).boxed().toList());
    return chart;
  }

  /** {@code D / dropout / embedding L2} of a row's model settings. */
  private static String settings(Object model) {
    Map<?, ?> m = (Map<?, ?>) model;
    return String.join(" / ", QualitySummary.number((Number) m.get("embedding_dim")),
        QualitySummary.number((Number) m.get("dropout")), QualitySummary.number((Number) m.get("embedding_l2")));
  }

  private static double mean(Map<String, Object> summary, String metric) {
    return (double) summary.get(metric);
  }
}
