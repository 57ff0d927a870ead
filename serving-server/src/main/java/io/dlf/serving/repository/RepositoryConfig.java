package io.dlf.serving.repository;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Where the versions come from.
 *
 * @param root the model repository, {@code <root>/<model>/<version>/}
 * @param pollInterval how often to look for new and removed versions; zero only on explicit reload
 */
public record RepositoryConfig(Path root, Duration pollInterval) {
  public RepositoryConfig {
    requireNonNull(root, "root is null");
    requireNonNull(pollInterval, "pollInterval is null");
    if (pollInterval.isNegative()) {
      throw new IllegalArgumentException("poll interval " + pollInterval + " must not be negative");
    }
  }
}
