package io.dlf.client.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** What happens around a watched job: Ctrl-C, and where its results go when it ends. */
final class WatchOptions {
  @Option(names = "--cancel-on-exit", description = "Cancel the job on Ctrl-C (by default it keeps running).")
  boolean cancelOnExit;

  @Option(names = "--results", paramLabel = "DIR", defaultValue = "dlf-results",
      description = "Where an ended job's record, training curves and ROC curve go, under DIR/<job id>/"
          + " (default: ${DEFAULT-VALUE}).")
  Path results;
}
