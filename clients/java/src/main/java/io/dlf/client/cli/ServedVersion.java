package io.dlf.client.cli;

import io.dlf.client.DlfException;
import io.dlf.client.PredictionClient;
import io.dlf.proto.serving.v1.VersionState;
import io.dlf.proto.serving.v1.VersionStatus;
import io.grpc.Status;
import java.time.Duration;

/** Waits for a serving server to load a version a trainer just exported. */
final class ServedVersion {
  private static final Duration POLL = Duration.ofMillis(250);

  private ServedVersion() {}

  /** Returns once {@code model} version {@code version} is AVAILABLE; fails if it FAILED to load or time ran out. */
  static void awaitAvailable(PredictionClient serving, String model, long version, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      try {
        for (VersionStatus status : serving.status(model, version).getVersionsList()) {
          if (status.getVersion() == version && status.getState() == VersionState.VERSION_STATE_AVAILABLE) {
            return;
          }
          if (status.getVersion() == version && status.getState() == VersionState.VERSION_STATE_FAILED) {
            throw new CliException(Dlfctl.FAILED, "the serving server at " + serving.target() + " could not load "
                + model + " version " + version + ": " + status.getError());
          }
        }
      } catch (DlfException e) {
        if (e.code() != Status.Code.NOT_FOUND) {
          throw e;
        }
        // Not seen yet: the repository is scanned every poll interval.
      }
      Thread.sleep(POLL.toMillis());
    }
    throw new CliException(Dlfctl.FAILED, model + " version " + version + " was not AVAILABLE on the serving server at "
        + serving.target() + " within " + timeout.toSeconds() + " s");
  }
}
