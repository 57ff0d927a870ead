package io.dlf.dsl.repository;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The on-disk model repository: {@code <root>/<model>/<version>/}, versions numbered from 1. A
 * version appears by one atomic rename of a fully written staging folder, so a reader never sees
 * a half-written version; numbering is serialized by a lock file, across processes too. Beside
 * the versions, a model's folder holds its labels file ({@link LabelsFile}).
 */
public final class ModelRepository {
  public static final String STAGING_PREFIX = ".staging-";
  private static final Pattern VERSION = Pattern.compile("[1-9][0-9]{0,17}");
  private static final Pattern MODEL = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
  private static final ReentrantLock IN_PROCESS = new ReentrantLock();

  private final Path root;

  public ModelRepository(Path root) {
    this.root = requireNonNull(root, "root is null");
  }

  public Path root() {
    return root;
  }

  public static boolean isValidModelName(String name) {
    return MODEL.matcher(name).matches();
  }

  public Path modelDir(String model) {
    if (!isValidModelName(model)) {
      throw new IllegalArgumentException("model name '" + model + "' must be 1-128 letters, digits, '.', '_' or '-'");
    }
    return root.resolve(model);
  }

  public Path versionDir(String model, long version) {
    return modelDir(model).resolve(Long.toString(version));
  }

  /** Models with at least one folder, sorted. */
  public List<String> models() throws IOException {
    if (!Files.isDirectory(root)) {
      return List.of();
    }
    try (Stream<Path> dirs = Files.list(root)) {
      return dirs.filter(Files::isDirectory).map(p -> p.getFileName().toString())
          .filter(ModelRepository::isValidModelName).sorted().toList();
    }
  }

  /** The version numbers present for a model, ascending (staging folders excluded). */
  public List<Long> versions(String model) throws IOException {
    Path dir = modelDir(model);
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> dirs = Files.list(dir)) {
      return dirs.filter(Files::isDirectory).map(p -> p.getFileName().toString())
          .filter(n -> VERSION.matcher(n).matches()).map(Long::parseLong).sorted().toList();
    }
  }

  /** A fresh staging folder for a version of {@code model} being written. */
  public Path newStagingDir(String model) throws IOException {
    Files.createDirectories(modelDir(model));
    return Files.createTempDirectory(modelDir(model), STAGING_PREFIX);
  }

  /** Publishes a staging folder as the model's next version and returns its number. */
  public long publish(String model, Path staging) throws IOException {
    return locked(model, () -> {
      List<Long> existing = versions(model);
      long next = existing.isEmpty() ? 1 : existing.get(existing.size() - 1) + 1;
      Files.move(staging, versionDir(model, next), StandardCopyOption.ATOMIC_MOVE);
      return next;
    });
  }

  /** Work on a model's folder that must not interleave with other such work. */
  @FunctionalInterface
  public interface LockedWork<T> {
    T run() throws IOException;
  }

  /**
   * Runs {@code work} holding the model's lock file {@code <model>/.lock}: one at a time in this
   * process and across processes (a file lock is held per process, hence the in-process lock too).
   * The model's folder must exist.
   */
  @SuppressWarnings("try") // the file lock is held for the block's duration, never read
  public <T> T locked(String model, LockedWork<T> work) throws IOException {
    IN_PROCESS.lock();
    try (FileChannel lockFile = FileChannel.open(modelDir(model).resolve(".lock"),
            StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock ignored = lockFile.lock()) {
      return work.run();
    } finally {
      IN_PROCESS.unlock();
    }
  }
}
