package io.dlf.client.cli;

import io.dlf.dsl.codec.SpecJson;
import io.dlf.dsl.spec.ModelSpec;
import io.dlf.dsl.spec.SpecException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.stream.Collectors;

/** Model specs from JSON files, checked here so a broken one is reported before any server sees it. */
final class SpecFiles {
  private SpecFiles() {}

  /**
   * Reads and validates {@code file}.
   *
   * @throws CliException naming the file, then each broken field's path and rule, one per line
   */
  static ModelSpec read(Path file) throws IOException {
    String json;
    try {
      json = Files.readString(file);
    } catch (NoSuchFileException e) {
      throw new CliException(Dlfctl.BAD_INPUT, "spec file " + file + " does not exist");
    }
    try {
      return SpecJson.fromJson(json);
    } catch (SpecException e) {
      throw new CliException(Dlfctl.BAD_INPUT, e.violations().stream()
          .map(v -> file + ": " + v.path() + ": " + v.message())
          .collect(Collectors.joining(System.lineSeparator())));
    }
  }
}
