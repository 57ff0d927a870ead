package io.dlf.client.cli;

import io.dlf.client.servers.Launcher;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Optional;
import picocli.CommandLine;

/** Runs dlfctl in this JVM and keeps what it printed. */
record Cli(int exitCode, String out, String err) {

  static Cli run(String... args) {
    return run(Interrupts.SHUTDOWN_HOOKS, args);
  }

  static Cli run(Interrupts interrupts, String... args) {
    return run(interrupts, Optional.empty(), args);
  }

  /** With {@code launcher} starting the servers of {@code servers start} and {@code quickstart}. */
  static Cli run(Interrupts interrupts, Optional<Launcher> launcher, String... args) {
    return run(interrupts, launcher, DefaultPaths.ofThisProcess(), args);
  }

  /** With default paths in {@code paths} rather than this process's working directory. */
  static Cli run(Interrupts interrupts, Optional<Launcher> launcher, DefaultPaths paths, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = Dlfctl.commandLine(interrupts, launcher, paths);
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int code = cli.execute(args);
    return new Cli(code, out.toString(), err.toString());
  }

  @Override
  public String toString() {
    return "exit " + exitCode + "\n--- out\n" + out + "--- err\n" + err;
  }
}
