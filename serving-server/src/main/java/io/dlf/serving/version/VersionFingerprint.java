package io.dlf.serving.version;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.stream.Stream;

/**
 * A summary of a version folder's files (count, bytes, newest change) that changes when someone
 * finishes copying or repairs the folder, so that a FAILED version is tried again then and not on
 * every poll.
 */
final class VersionFingerprint {
  private VersionFingerprint() {}

  static String of(Path dir) {
    long[] files = {0};
    long[] bytes = {0};
    long[] newest = {0};
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.forEach(p -> {
        try {
          BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
          files[0]++;
          bytes[0] += a.isRegularFile() ? a.size() : 0;
          newest[0] = Math.max(newest[0], a.lastModifiedTime().toMillis());
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    } catch (IOException | UncheckedIOException e) {
      return "unreadable: " + e.getMessage();
    }
    return files[0] + " files, " + bytes[0] + " bytes, newest " + newest[0];
  }
}
