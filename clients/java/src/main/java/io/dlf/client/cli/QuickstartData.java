package io.dlf.client.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.GZIPInputStream;

/**
 * The quickstart's dataset: Frappe under a data folder, or, when it is absent, the trainer's
 * generated stand-in with Frappe's fields ({@code synthetic-frappe}, written into the trainer's
 * data dir). Both give test rows to predict on, as raw feature values.
 *
 * @param root the data folder holding Frappe; empty for the generated dataset
 */
record QuickstartData(String dataset, Optional<Path> root) {
  static final List<String> FIELDS = List.of(
      "user", "item", "daytime", "weekday", "isweekend", "homework", "cost", "weather", "country", "city");
  private static final List<String> FRAPPE_FILES = List.of("frappe/frappe.train.reconstructed.libfm.gz",
      "frappe/frappe.validation.libfm.gz", "frappe/frappe.test.libfm.gz");
  private static final String GENERATED = "synthetic-frappe";

  /** One test row: raw feature values and whether it was a click. */
  record Example(Map<String, String> features, int label) {}

  /** Frappe if {@code root} holds its three splits, else the generated dataset. */
  static QuickstartData under(Path root) {
    boolean frappe = FRAPPE_FILES.stream().allMatch(file -> Files.isRegularFile(root.resolve(file)));
    return frappe ? new QuickstartData("frappe", Optional.of(root.toAbsolutePath().normalize())) : generated();
  }

  static QuickstartData generated() {
    return new QuickstartData(GENERATED, Optional.empty());
  }

  boolean isGenerated() {
    return root.isEmpty();
  }

  /** The first {@code count} rows of the test split; the generated one lies in the trainer's data dir. */
  List<Example> testRows(Path trainerDataDir, int count) throws IOException {
    if (root.isPresent()) {
      try (BufferedReader reader = new BufferedReader(new InputStreamReader(
          new GZIPInputStream(Files.newInputStream(root.get().resolve(FRAPPE_FILES.get(2)))), StandardCharsets.UTF_8))) {
        return reader.lines().limit(count).map(QuickstartData::libFmRow).toList();
      }
    }
    try (BufferedReader reader = Files.newBufferedReader(trainerDataDir.resolve("datasets").resolve(GENERATED)
        .resolve("test.tsv"))) {
      List<String> columns = List.of(reader.readLine().split("\t", -1));
      return reader.lines().limit(count).map(line -> tsvRow(columns, line)).toList();
    }
  }

  /** {@code -1 204:1 4798:1 ...}: one field per position, its libFM index being the raw value the trainer saw. */
  private static Example libFmRow(String line) {
    String[] parts = line.trim().split(" ");
    Map<String, String> features = new LinkedHashMap<>();
    for (int i = 0; i < FIELDS.size(); i++) {
      features.put(FIELDS.get(i), parts[i + 1].substring(0, parts[i + 1].indexOf(':')));
    }
    return new Example(features, Double.parseDouble(parts[0]) > 0 ? 1 : 0);
  }

  private static Example tsvRow(List<String> columns, String line) {
    String[] cells = line.split("\t", -1);
    Map<String, String> features = new LinkedHashMap<>();
    int label = 0;
    for (int i = 0; i < columns.size(); i++) {
      if (columns.get(i).equals("label")) {
        label = Integer.parseInt(cells[i]);
      } else {
        features.put(columns.get(i), cells[i]);
      }
    }
    return new Example(features, label);
  }
}
