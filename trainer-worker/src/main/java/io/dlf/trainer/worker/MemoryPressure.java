package io.dlf.trainer.worker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.Logger;

/** Tells the Linux OOM killer to take this worker before its trainer when memory runs out. */
final class MemoryPressure {
  private static final Logger LOG = Logger.getLogger(MemoryPressure.class.getName());
  private static final Path OOM_SCORE_ADJ = Path.of("/proc/self/oom_score_adj");
  /** The most a process may raise its own score to without privileges. */
  private static final String FIRST = "1000";

  private MemoryPressure() {}

  static void offerThisProcessFirst() {
    if (!Files.isWritable(OOM_SCORE_ADJ)) {
      LOG.info("no " + OOM_SCORE_ADJ + " here: the OOM killer's choice is left as it is");
      return;
    }
    try {
      Files.writeString(OOM_SCORE_ADJ, FIRST);
    } catch (IOException e) {
      LOG.warning("could not raise this worker's OOM score (" + e.getMessage() + "); its trainer may be taken "
          + "first when memory runs out");
    }
  }
}
