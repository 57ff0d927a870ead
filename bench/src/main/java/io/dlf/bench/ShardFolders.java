package io.dlf.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** The data-scale benchmark's prepared-data folders: their shards' size, and a fresh start. */
final class ShardFolders {
  private ShardFolders() {}

  /** The bytes of the shard files ({@code .bin}) under {@code root}. */
  static long shardBytes(Path root) throws IOException {
    try (Stream<Path> files = Files.walk(root)) {
      return files.filter(f -> f.toString().endsWith(".bin")).mapToLong(f -> f.toFile().length()).sum();
    }
  }

  static void deleteRecursively(Path path) throws IOException {
    if (!Files.exists(path)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(path)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
