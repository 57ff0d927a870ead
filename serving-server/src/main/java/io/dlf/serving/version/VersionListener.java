package io.dlf.serving.version;

import java.time.Duration;
import java.util.Optional;

/** Hears version changes: for health, metrics and logs. Calls come from the thread that made the change. */
public interface VersionListener {

  /** A version entered a state, or (empty) was forgotten after unloading or when its folder vanished. */
  default void stateChanged(String model, long version, Optional<VersionState> state) {}

  /** A model gained its first AVAILABLE version (true) or lost its last one (false). */
  default void readinessChanged(String model, boolean ready) {}

  /** A load (with warm-up) finished, successfully or not. */
  default void loadFinished(String model, long version, Duration took, boolean succeeded) {}
}
