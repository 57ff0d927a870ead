package io.dlf.trainer.data;

import io.dlf.dsl.spec.Feature;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * Frappe with a per-user behaviour sequence, built from the TRAINING split only, for sequence
 * models such as InterFormer (Frappe has no sequences of its own: dlf-model-reference §14.3).
 *
 * <p>A user's history is the distinct items of the user's positive training rows, oldest first in
 * training-file order (a repeated item moves to the most recent end), the last {@code maxLength}
 * kept. A training row sees only the positives of training rows before it in the file, so its own
 * label never enters its history; validation and test rows see every training positive of their
 * user, never a validation or test label. Frappe has no timestamps, so "before" is file order, and
 * the evaluation rows' histories are on average longer than the training rows' (a shift, not a
 * leak).
 *
 * <p>Output: TSV files with a header, the label (0 or 1), Frappe's ten fields (libFM indices, as
 * the libFM reader gives them) and {@value #HISTORY} ({@code |}-separated item indices).
 */
public final class FrappeHistory {
  public static final String HISTORY = "history";
  public static final int MAX_LENGTH = 20;
  private static final int USER = DatasetCatalog.FRAPPE_FIELDS.indexOf("user");
  private static final int ITEM = DatasetCatalog.FRAPPE_FIELDS.indexOf("item");

  private final int maxLength;
  private final Map<String, LinkedHashSet<String>> positives = new HashMap<>();

  private FrappeHistory(int maxLength) {
    this.maxLength = maxLength;
  }

  /** The derived files' schema. */
  public static DatasetSchema schema() {
    List<String> columns = new ArrayList<>(List.of("label"));
    columns.addAll(DatasetCatalog.FRAPPE_FIELDS);
    columns.add(HISTORY);
    return DatasetSchema.delimited(DataFormat.TSV, columns, "label", HeaderMode.PRESENT);
  }

  /** Frappe's ten categorical fields and the history, sharing the item vocabulary. */
  public static List<Feature> features(int maxLength) {
    List<Feature> features = new ArrayList<>(DatasetCatalog.FRAPPE_FIELDS.stream().map(Feature::categorical).toList());
    features.add(Feature.sequence(HISTORY, maxLength).vocabularyFrom("item"));
    return features;
  }

  /** Writes the splits with histories of at most {@code maxLength} items into {@code dir}. */
  public static DatasetSplits write(DatasetSplits frappe, Path dir, int maxLength) throws IOException {
    Files.createDirectories(dir);
    DatasetSplits out = new DatasetSplits(dir.resolve("train.tsv"), dir.resolve("validation.tsv"),
        dir.resolve("test.tsv"));
    FrappeHistory histories = new FrappeHistory(maxLength);
    histories.convert(frappe.train(), out.train(), true);
    histories.convert(frappe.validation(), out.validation(), false);
    histories.convert(frappe.test(), out.test(), false);
    return out;
  }

  private void convert(Path libFm, Path tsv, boolean training) throws IOException {
    try (BufferedReader in = open(libFm); BufferedWriter out = Files.newBufferedWriter(tsv, StandardCharsets.UTF_8)) {
      out.write(String.join("\t", schema().columns()));
      out.newLine();
      String line;
      while ((line = in.readLine()) != null) {
        if (line.isBlank()) {
          continue;
        }
        String[] parts = line.trim().split("[ \t]+");
        boolean positive = Double.parseDouble(parts[0]) > 0;
        String[] tokens = new String[parts.length - 1];
        for (int i = 1; i < parts.length; i++) {
          tokens[i - 1] = parts[i].substring(0, parts[i].indexOf(':'));
        }
        LinkedHashSet<String> history = positives.computeIfAbsent(tokens[USER], u -> new LinkedHashSet<>());
        out.write((positive ? "1" : "0") + "\t" + String.join("\t", tokens) + "\t" + String.join("|", history));
        out.newLine();
        if (training && positive) {
          remember(history, tokens[ITEM]);
        }
      }
    }
  }

  private void remember(LinkedHashSet<String> history, String item) {
    history.remove(item);
    history.add(item);
    if (history.size() > maxLength) {
      Iterator<String> oldest = history.iterator();
      oldest.next();
      oldest.remove();
    }
  }

  private static BufferedReader open(Path file) throws IOException {
    InputStream in = Files.newInputStream(file);
    if (file.getFileName().toString().endsWith(".gz")) {
      in = new GZIPInputStream(in, 1 << 16);
    }
    return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
  }
}
