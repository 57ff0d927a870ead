package io.dlf.client.cli;

import io.dlf.client.DlfException;
import io.dlf.client.Target;
import io.dlf.client.servers.Launcher;
import io.dlf.client.servers.ServerStartException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** {@code dlfctl}: train models, follow jobs, manage served versions and predict, from a shell. */
@Command(name = "dlfctl", version = "dlfctl 0.1.0",
    description = "Train CTR models on a DLF trainer server and predict with them on a serving server.",
    subcommands = {TrainCommand.class, JobsCommand.class, ModelsCommand.class, PredictCommand.class,
        ServersCommand.class, QuickstartCommand.class},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
        "0:success",
        "1:the server refused a call, or the job did not succeed",
        "2:bad usage or bad input (options, spec file, input lines)",
        "3:a server cannot be reached",
        "4:a server cannot be started (a port in use, or it ended before it answered)",
        "130:interrupted (Ctrl-C); a watched job keeps running unless --cancel-on-exit"})
public final class Dlfctl {
  static final int FAILED = 1;
  static final int BAD_INPUT = 2;
  static final int UNREACHABLE = 3;
  static final int NOT_STARTED = 4;
  static final int INTERRUPTED = 130;

  // Help on every subcommand; --version only here, since subcommands use it for model versions.
  @Option(names = {"-h", "--help"}, usageHelp = true, scope = ScopeType.INHERIT, description = "Show this help.")
  boolean help;

  @Option(names = {"-V", "--version"}, versionHelp = true, description = "Print dlfctl's version.")
  boolean version;

  public static void main(String[] args) {
    System.exit(commandLine(Interrupts.SHUTDOWN_HOOKS, Launchers.fromCheckout(), DefaultPaths.ofThisProcess())
        .execute(args));
  }

  /**
   * The command line with its converters and error reporting; {@code interrupts} stands for Ctrl-C,
   * {@code launcher} starts servers (absent: commands that need it say how to run dlfctl), and
   * {@code paths} places the default folders of the commands that start them.
   */
  static CommandLine commandLine(Interrupts interrupts, Optional<Launcher> launcher, DefaultPaths paths) {
    CommandLine cli = new CommandLine(new Dlfctl(), new Factory(interrupts, launcher, paths));
    cli.registerConverter(Target.class, Target::parse);
    cli.registerConverter(Duration.class, Durations::parse);
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    cli.setExecutionExceptionHandler(Dlfctl::report);
    return cli;
  }

  /** One line (or one per broken field) a person can act on, instead of a stack trace. */
  private static int report(Exception e, CommandLine cli, CommandLine.ParseResult parsed) throws Exception {
    PrintWriter err = cli.getErr();
    if (e instanceof DlfException d && d.unreachable()) {
      err.println("dlfctl: cannot reach the " + d.server() + " at " + d.target() + " (is it running?)");
      return UNREACHABLE;
    }
    if (e instanceof DlfException d) {
      err.println("dlfctl: " + d.getMessage());
      d.violations().forEach(v -> err.println("  " + v.field() + ": " + v.description()));
      return FAILED;
    }
    if (e instanceof ServerStartException s) {
      err.println("dlfctl: cannot start the servers: " + s.getMessage());
      return NOT_STARTED;
    }
    if (e instanceof CliException c) {
      err.println("dlfctl: " + c.getMessage());
      return c.exitCode();
    }
    throw e;
  }

  /**
   * Hands the interrupt source to the commands that watch jobs, and the launcher and default paths to
   * those that start servers.
   */
  private record Factory(Interrupts interrupts, Optional<Launcher> launcher, DefaultPaths paths)
      implements CommandLine.IFactory {
    @Override
    public <K> K create(Class<K> type) throws Exception {
      if (type == TrainCommand.class) {
        return type.cast(new TrainCommand(interrupts));
      }
      if (type == JobsCommand.class) {
        return type.cast(new JobsCommand(interrupts));
      }
      if (type == ServersStartCommand.class) {
        return type.cast(new ServersStartCommand(interrupts, launcher, paths));
      }
      if (type == QuickstartCommand.class) {
        return type.cast(new QuickstartCommand(interrupts, launcher, paths));
      }
      return CommandLine.defaultFactory().create(type);
    }
  }
}
