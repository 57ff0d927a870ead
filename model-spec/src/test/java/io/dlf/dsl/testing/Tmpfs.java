package io.dlf.dsl.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A real small disk for tests that need one to fill up: a tmpfs of a given size mounted on a
 * folder. Mounting needs root with the right to mount (CAP_SYS_ADMIN), which a container may not
 * grant; {@link #mount} is then empty and the test should be skipped (JUnit's assumptions).
 */
public final class Tmpfs implements AutoCloseable {
  private final Path dir;

  private Tmpfs(Path dir) {
    this.dir = dir;
  }

  /** A tmpfs of {@code bytes} on the existing folder {@code dir}, or empty if this process may not mount. */
  public static Optional<Tmpfs> mount(Path dir, long bytes) throws IOException {
    return mount(dir, "size=" + bytes);
  }

  /** A read-only tmpfs on {@code dir}, or empty if this process may not mount. */
  public static Optional<Tmpfs> mountReadOnly(Path dir) throws IOException {
    return mount(dir, "ro,size=1m");
  }

  private static Optional<Tmpfs> mount(Path dir, String options) throws IOException {
    return run("mount", "-t", "tmpfs", "-o", options, "tmpfs", dir.toString()).isEmpty()
        ? Optional.of(new Tmpfs(dir))
        : Optional.empty();
  }

  /** Gives the file system {@code bytes} in all, keeping its files: "space was freed". */
  public void resize(long bytes) throws IOException {
    check(run("mount", "-o", "remount,size=" + bytes, dir.toString()));
  }

  public Path dir() {
    return dir;
  }

  /** Unmounts (lazily: a process that still has a file open there does not keep it mounted). */
  @Override
  public void close() throws IOException {
    check(run("umount", "-l", dir.toString()));
  }

  private static void check(Optional<String> error) throws IOException {
    if (error.isPresent()) {
      throw new IOException(error.get());
    }
  }

  /** Runs a command; empty if it succeeded, else what it printed (or that it is not there to run). */
  private static Optional<String> run(String... command) throws IOException {
    Process process;
    try {
      process = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException e) {
      return Optional.of("cannot run " + command[0] + ": " + e.getMessage());
    }
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      return process.waitFor() == 0 ? Optional.empty()
          : Optional.of(String.join(" ", command) + " failed: " + output.strip());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while running " + String.join(" ", command), e);
    }
  }
}
