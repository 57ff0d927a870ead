package io.dlf.serving.version;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * One version as the server holds it.
 *
 * @param error why the version FAILED, or ""
 * @param since when it entered its state
 */
public record VersionStatus(long version, VersionState state, String error, Instant since) {
  public VersionStatus {
    requireNonNull(state, "state is null");
    requireNonNull(error, "error is null");
    requireNonNull(since, "since is null");
  }
}
