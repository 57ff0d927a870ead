package io.dlf.trainer.data;

import io.dlf.dsl.plan.DataSize;
import io.dlf.dsl.plan.ModelPlan;
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
 * {@code synthetic-frappe} has Frappe's ten categorical fields with a known signal,
 * {@code synthetic-history} a behaviour sequence that decides the label ({@link HistorySignalDataset}),
 * and {@code synthetic-criteo} Criteo's schema and shape at any size ({@link CriteoShapedDataset}):
 * {@code synthetic-criteo:ROWS} asks for ROWS rows in all, from {@value #MIN_ROWS} to
 * {@value #MAX_ROWS} ({@value #DEFAULT_ROWS} without a count), split 80/10/10.
 * Each, like each derived catalog dataset ({@link DatasetCatalog.Derivation}), is written once under
 * {@code <dir>/<folder>/} and reused afterwards; a sized dataset's folder names its rows
 * ({@code synthetic-criteo-1000000}). A writer writes into a temporary folder of its own and renames
 * it into place, so a crash never leaves half a dataset; two processes writing the same dataset at
 * once both write (the generators are seeded: the same bytes) and the first rename wins, the other
 * folder is deleted. A temporary folder names its writer's process, so one abandoned by a process
 * that died is deleted by the next writer of that dataset.
 */
public final class GeneratedDatasets {
  public static final String SYNTHETIC_FRAPPE = "synthetic-frappe";
  public static final String SYNTHETIC_HISTORY = "synthetic-history";
  public static final String SYNTHETIC_CRITEO = "synthetic-criteo";
  /** A sized dataset's fewest rows: one each for validation and test. */
  public static final int MIN_ROWS = 10;
  /** A sized dataset's most rows: about twice Criteo's 45 million. */
  public static final int MAX_ROWS = 100_000_000;
  public static final int DEFAULT_ROWS = 1_000_000;

  /** The rows of each split. */
  public record Sizes(int train, int validation, int test) {
    /** 80% for training, 10% each for validation and test. */
    static Sizes split(int rows) {
      int evaluation = rows / 10;
      return new Sizes(rows - 2 * evaluation, evaluation, evaluation);
    }
  }

  /**
   * A generator, the extension of its files and its default sizes; a {@code sized} one takes a row
   * count in its name.
   */
  private record Recipe(DatasetGenerator dataset, String extension, Sizes sizes, boolean sized) {}

  /** What a name asks for: a recipe at given sizes, written into a folder of its own. */
  private record Request(Recipe recipe, Sizes sizes, String folder) {}

  // Frappe's own sizes, roughly (202,027 / 57,722 / 28,860 rows), scaled down for a quick first run.
  private static final Map<String, Recipe> RECIPES = Map.of(
      SYNTHETIC_FRAPPE, new Recipe(
          new SyntheticDataset(DatasetCatalog.FRAPPE_FIELDS.stream().map(Feature::categorical).toList(), 2019),
          ".tsv", new Sizes(100_000, 20_000, 20_000), false),
      SYNTHETIC_HISTORY, new Recipe(new HistorySignalDataset(HistorySignalDataset.MAX_LENGTH, 2024),
          ".tsv", new Sizes(100_000, 20_000, 20_000), false),
      SYNTHETIC_CRITEO, new Recipe(new CriteoShapedDataset(2014), ".tsv.gz", Sizes.split(DEFAULT_ROWS), true));

  /** Between a folder's name and its writer's process id in the name of a temporary folder. */
  private static final String TEMPORARY = ".tmp-";

  private final Path dir;

  public GeneratedDatasets(Path dir) {
    this.dir = dir;
  }

  /** The folder the datasets are written under. */
  public Path dir() {
    return dir;
  }

  public static List<String> names() {
    return RECIPES.keySet().stream().sorted().toList();
  }

  /** Whether the name is a generated dataset's, with or without a row count (which {@link #splits} checks). */
  public static boolean has(String name) {
    return RECIPES.containsKey(baseName(name));
  }

  /**
   * The schema of a generated dataset's files.
   *
   * @throws IllegalArgumentException if the name is unknown or asks for a row count it cannot have
   */
  public static DatasetSchema schema(String name) {
    return request(name).recipe().dataset().schema();
  }

  /**
   * Upper bounds on what a generated dataset holds, before it is written: its rows are exact, its
   * training text at most one longest row per row and one for the header.
   *
   * @throws IllegalArgumentException if the name is unknown or asks for a row count it cannot have
   */
  public static DataSize bounds(String name, ModelPlan plan) {
    Request request = request(name);
    Sizes sizes = request.sizes();
    long trainBytes = (sizes.train() + 1L) * request.recipe().dataset().maxRowBytes();
    return DataSize.bounded(plan, sizes.train(), trainBytes, sizes.validation(), sizes.test());
  }

  /**
   * Where the dataset's split files are, or will be once {@link #splits} writes them; writes nothing.
   *
   * @throws IllegalArgumentException if the name is unknown or asks for a row count it cannot have
   */
  public DatasetSplits location(String name) {
    Request request = request(name);
    return DatasetSplits.in(dir.resolve(request.folder()), request.recipe().extension());
  }

  /**
   * The dataset's split files, generating them the first time (telling the listener of each row).
   *
   * @throws IllegalArgumentException if the name is unknown or asks for a row count it cannot have
   */
  public synchronized DatasetSplits splits(String name, GenerationListener listener) throws IOException {
    Request request = request(name);
    Sizes sizes = request.sizes();
    return cached(request.folder(), request.recipe().extension(),
        dir -> request.recipe().dataset().write(dir, sizes.train(), sizes.validation(), sizes.test(), listener));
  }

  /** A derived catalog dataset's split files, written from its source splits the first time. */
  public synchronized DatasetSplits derived(String name, DatasetSplits source, DatasetCatalog.Derivation derivation)
      throws IOException {
    return cached(name.toLowerCase(Locale.ROOT), ".tsv", dir -> derivation.write(source, dir));
  }

  /** Writes the train, validation and test files into a folder. */
  private interface SplitWriter {
    void write(Path dir) throws IOException;
  }

  private DatasetSplits cached(String folder, String extension, SplitWriter writer) throws IOException {
    Path target = dir.resolve(folder);
    if (!Files.isDirectory(target)) {
      Files.createDirectories(dir);
      deleteAbandoned(folder);
      Path temporary = Files.createTempDirectory(dir, folder + TEMPORARY + ProcessHandle.current().pid() + "-");
      try {
        writer.write(temporary);
        publish(temporary, target);
      } finally {
        deleteRecursively(temporary);
      }
    }
    return DatasetSplits.in(target, extension);
  }

  /** Renames the complete folder into place, unless another process's is there already. */
  private static void publish(Path temporary, Path target) throws IOException {
    try {
      Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      if (!Files.isDirectory(target)) {
        throw e;
      }
    }
  }

  /** Deletes the folder's temporary folders whose writers are no longer running. */
  private void deleteAbandoned(String folder) throws IOException {
    String prefix = folder + TEMPORARY;
    List<Path> abandoned;
    try (Stream<Path> entries = Files.list(dir)) {
      abandoned = entries.filter(p -> p.getFileName().toString().startsWith(prefix))
          .filter(p -> !writerRuns(p.getFileName().toString().substring(prefix.length()))).toList();
    }
    for (Path temporary : abandoned) {
      deleteRecursively(temporary);
    }
  }

  /** Whether the process named by a temporary folder's suffix ({@code PID-RANDOM}) runs. */
  private static boolean writerRuns(String suffix) {
    int dash = suffix.indexOf('-');
    if (dash < 1 || !suffix.substring(0, dash).matches("[0-9]{1,18}")) {
      return false;
    }
    return ProcessHandle.of(Long.parseLong(suffix.substring(0, dash))).map(ProcessHandle::isAlive).orElse(false);
  }

  private static String baseName(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    int colon = lower.indexOf(':');
    return colon < 0 ? lower : lower.substring(0, colon);
  }

  private static Request request(String name) {
    String base = baseName(name);
    Recipe recipe = RECIPES.get(base);
    if (recipe == null) {
      throw new IllegalArgumentException("unknown generated dataset '" + name + "'; known: " + names());
    }
    if (base.length() == name.length()) {
      return new Request(recipe, recipe.sizes(), recipe.sized() ? base + "-" + DEFAULT_ROWS : base);
    }
    if (!recipe.sized()) {
      throw new IllegalArgumentException("'" + base + "' has a fixed size and takes no row count (got '" + name
          + "'); name it '" + base + "'");
    }
    int rows = rows(base, name.substring(base.length() + 1));
    return new Request(recipe, Sizes.split(rows), base + "-" + rows);
  }

  private static int rows(String base, String count) {
    String expected = "expected '" + base + ":ROWS' with ROWS a whole number from " + MIN_ROWS + " to " + MAX_ROWS;
    if (!count.matches("[0-9]{1,10}")) {
      throw new IllegalArgumentException("the row count '" + count + "' is not a whole number; " + expected);
    }
    long rows = Long.parseLong(count);
    if (rows < MIN_ROWS || rows > MAX_ROWS) {
      throw new IllegalArgumentException("the row count " + rows + " is out of bounds; " + expected);
    }
    return (int) rows;
  }

  private static void deleteRecursively(Path path) throws IOException {
    if (!Files.exists(path)) {
      return;
    }
    try (Stream<Path> files = Files.walk(path)) {
      for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(file);
      }
    }
  }
}
