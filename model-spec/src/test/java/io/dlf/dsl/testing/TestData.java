package io.dlf.dsl.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the tests find the datasets that may not be redistributed (Frappe, the Criteo and Avazu
 * samples): {@code $DLF_DATA}, else {@code ../shared/data} beside the repository, as README.md says.
 * A class that needs one says so with {@link RequiresDataset}: on a clone without it the class is
 * skipped (each of its tests counted as skipped) with one line naming the dataset and
 * {@code DLF_DATA}; with {@code CI=true}, where the data lies beside the checkout, it fails instead,
 * so nothing is skipped silently there.
 */
public final class TestData {
  /** A file only the repository's root holds, to find it from a module's working directory. */
  private static final String ROOT_MARKER = "run-tests";

  private TestData() {}

  /** The data folder: {@code $DLF_DATA}, else {@code <repository>/../shared/data}. */
  public static Path root() {
    String configured = System.getenv("DLF_DATA");
    Path root = configured != null && !configured.isBlank() ? Path.of(configured)
        : repository().resolveSibling("shared").resolve("data");
    return root.toAbsolutePath().normalize();
  }

  /** The nearest folder at or above the working directory that holds {@value #ROOT_MARKER}. */
  private static Path repository() {
    Path start = Path.of("").toAbsolutePath();
    for (Path dir = start; dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve(ROOT_MARKER))) {
        return dir;
      }
    }
    throw new IllegalStateException("no " + ROOT_MARKER + " in " + start + " or above: run the tests from the "
        + "repository, or set DLF_DATA to the data folder");
  }
}
