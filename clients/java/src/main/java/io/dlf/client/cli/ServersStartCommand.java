package io.dlf.client.cli;

import io.dlf.client.servers.Launcher;
import io.dlf.client.servers.LocalServers;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code dlfctl servers start}: both servers as child processes, in the foreground until Ctrl-C. */
@Command(name = "start", sortOptions = false,
    description = {"Start a trainer and a serving server sharing one model repository, wait until both answer,",
        "and keep them running until Ctrl-C (which stops them gracefully: running jobs checkpoint).",
        "Under DIR: jobs/, models/, datasets/ (generated), logs/trainer.log, logs/serving.log."})
final class ServersStartCommand implements Callable<Integer> {
  private final Interrupts interrupts;
  private final Optional<Launcher> launcher;
  private final DefaultPaths paths;

  @Spec
  CommandSpec spec;

  @Option(names = "--data-dir", paramLabel = "DIR",
      description = "Where the servers keep everything (default: data in the checkout).")
  Path dataDir;

  @Option(names = "--data-root", paramLabel = "DIR", description = {"A folder the trainer may read datasets from;"
      + " repeatable (default: $DLF_DATA, else ../shared/data beside the checkout if it exists, else DIR/data)."})
  List<Path> dataRoots = List.of();

  @Mixin
  LocalServerOptions ports;

  ServersStartCommand(Interrupts interrupts, Optional<Launcher> launcher, DefaultPaths paths) {
    this.interrupts = interrupts;
    this.launcher = launcher;
    this.paths = paths;
  }

  @Override
  public Integer call() throws Exception {
    Path dir = dataDir != null ? dataDir : paths.inHome("data");
    try (LocalServers servers = LocalServers.start(ports.config(dir, paths.dataRoots(dataRoots)),
        Launchers.require(launcher), spec.commandLine().getOut())) {
      return ServersHold.untilInterrupted(servers, interrupts, spec.commandLine().getOut());
    }
  }
}
