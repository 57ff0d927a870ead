package io.dlf.trainer.data;

import io.dlf.dsl.spec.Feature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Datasets the trainer writes itself, so a first run works on a machine without any data:
 * {@code synthetic-frappe} has Frappe's ten categorical fields with a known signal, and
 * {@code synthetic-history} a behaviour sequence that decides the label ({@link HistorySignalDataset}).
 * Each, like each derived catalog dataset ({@link DatasetCatalog.Derivation}), is written once under
 * {@code <dir>/<name>/} (through a temporary folder and a rename, so a crash never leaves half a
 * dataset) and reused afterwards.
 */
public final class GeneratedDatasets {
  public static final String SYNTHETIC_FRAPPE = "synthetic-frappe";
  public static final String SYNTHETIC_HISTORY = "synthetic-history";

  /** A generator and the sizes of its splits. */
  private record Recipe(DatasetGenerator dataset, int trainRows, int validationRows, int testRows) {}

  // Frappe's own sizes, roughly (202,027 / 57,722 / 28,860 rows), scaled down for a quick first run.
  private static final Map<String, Recipe> RECIPES = Map.of(
      SYNTHETIC_FRAPPE, new Recipe(
          new SyntheticDataset(DatasetCatalog.FRAPPE_FIELDS.stream().map(Feature::categorical).toList(), 2019),
          100_000, 20_000, 20_000),
      SYNTHETIC_HISTORY, new Recipe(new HistorySignalDataset(HistorySignalDataset.MAX_LENGTH, 2024),
          100_000, 20_000, 20_000));

  private final Path dir;

  public GeneratedDatasets(Path dir) {
    this.dir = dir;
  }

  public static List<String> names() {
    return RECIPES.keySet().stream().sorted().toList();
  }

  public static boolean has(String name) {
    return RECIPES.containsKey(name.toLowerCase(Locale.ROOT));
  }

  /** The schema of a generated dataset's files. */
  public static DatasetSchema schema(String name) {
    return recipe(name).dataset().schema();
  }

  /** The dataset's split files, generating them the first time. */
  public synchronized DatasetSplits splits(String name) throws IOException {
    Recipe recipe = recipe(name);
    return cached(name, dir -> recipe.dataset().write(dir, recipe.trainRows(), recipe.validationRows(),
        recipe.testRows()));
  }

  /** A derived catalog dataset's split files, written from its source splits the first time. */
  public synchronized DatasetSplits derived(String name, DatasetSplits source, DatasetCatalog.Derivation derivation)
      throws IOException {
    return cached(name, dir -> derivation.write(source, dir));
  }

  /** Writes train.tsv, validation.tsv and test.tsv into a folder. */
  private interface SplitWriter {
    void write(Path dir) throws IOException;
  }

  private DatasetSplits cached(String name, SplitWriter writer) throws IOException {
    Path target = dir.resolve(name.toLowerCase(Locale.ROOT));
    if (!Files.isDirectory(target)) {
      Path temporary = dir.resolve(target.getFileName() + ".tmp");
      deleteRecursively(temporary);
      writer.write(temporary);
      Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
    }
    return new DatasetSplits(target.resolve("train.tsv"), target.resolve("validation.tsv"), target.resolve("test.tsv"));
  }

  private static Recipe recipe(String name) {
    Recipe recipe = RECIPES.get(name.toLowerCase(Locale.ROOT));
    if (recipe == null) {
      throw new IllegalArgumentException("unknown generated dataset '" + name + "'; known: " + names());
    }
    return recipe;
  }

  private static void deleteRecursively(Path path) throws IOException {
    if (!Files.exists(path)) {
      return;
    }
    try (Stream<Path> files = Files.walk(path)) {
      for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(file);
      }
    }
  }
}
