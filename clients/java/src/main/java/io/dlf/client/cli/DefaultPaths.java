package io.dlf.client.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where dlfctl's default paths lie: in the checkout {@code dlfctl.sh} runs from (-Ddlf.home),
 * whatever the working directory; without one, in the working directory. Paths typed on the
 * command line resolve against the working directory, as usual.
 *
 * @param home the checkout, or the empty path (the working directory)
 * @param environment where {@code DLF_DATA} is looked up
 */
record DefaultPaths(Path home, Map<String, String> environment) {

  static DefaultPaths ofThisProcess() {
    return new DefaultPaths(Path.of(System.getProperty(Launchers.HOME_PROPERTY, "")), System.getenv());
  }

  /** {@code relative} in the checkout. */
  Path inHome(String relative) {
    return home.resolve(relative);
  }

  /** $DLF_DATA, else ../shared/data beside the checkout. */
  Path sharedData() {
    return Optional.ofNullable(environment.get("DLF_DATA")).map(Path::of)
        .orElseGet(() -> home.resolve("../shared/data").normalize());
  }

  /** {@code given}; else the shared data folder when it exists; else none (the servers make an empty one). */
  List<Path> dataRoots(List<Path> given) {
    if (!given.isEmpty()) {
      return given;
    }
    Path shared = sharedData();
    return Files.isDirectory(shared) ? List.of(shared.toAbsolutePath().normalize()) : List.of();
  }
}
