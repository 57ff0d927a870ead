package io.dlf.trainer;

import java.nio.file.Files;
import java.nio.file.Path;

/** The shared data folder beside the repository (../shared/data), as the build passes it to tests. */
public final class SharedData {
  private SharedData() {}

  public static Path root() {
    Path shared = Path.of(System.getProperty("dlf.shared.dir", "../../shared")).toAbsolutePath().normalize();
    Path data = shared.resolve("data");
    if (!Files.isDirectory(data.resolve("frappe"))) {
      throw new IllegalStateException("no Frappe data under " + data + "; run the build from the repository with "
          + "../shared beside it, or set -Ddlf.shared.dir");
    }
    return data;
  }
}
