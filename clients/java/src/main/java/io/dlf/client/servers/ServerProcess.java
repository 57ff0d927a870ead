package io.dlf.client.servers;

import io.dlf.client.Target;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** One server running as a child process, its output going to a log file. */
public final class ServerProcess {
  private static final Duration POLL = Duration.ofMillis(250);
  private static final int LOG_LINES_SHOWN = 15;

  private final ServerKind kind;
  private final Target target;
  private final Path log;
  private final Process process;

  private ServerProcess(ServerKind kind, Target target, Path log, Process process) {
    this.kind = kind;
    this.target = target;
    this.log = log;
    this.process = process;
  }

  /** Starts {@code command}, appending its output to {@code log} after a line naming the command. */
  static ServerProcess launch(ServerKind kind, Target target, List<String> command, Path log) throws IOException {
    Files.createDirectories(log.getParent());
    Files.writeString(log, "$ " + String.join(" ", command) + System.lineSeparator(), StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    builder.environment().putIfAbsent("TF_CPP_MIN_LOG_LEVEL", "2");
    return new ServerProcess(kind, target, log, builder.start());
  }

  public ServerKind kind() {
    return kind;
  }

  public Target target() {
    return target;
  }

  public Path log() {
    return log;
  }

  public long pid() {
    return process.pid();
  }

  public CompletableFuture<Process> onExit() {
    return process.onExit();
  }

  /**
   * Waits until the server answers grpc.health SERVING. A launch script may build the server first,
   * so the wait is long, but it ends at once if the process does.
   *
   * @throws ServerStartException if the process ends or {@code timeout} passes first
   */
  void awaitHealthy(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    ManagedChannel channel = NettyChannelBuilder.forAddress(target.host(), target.port()).usePlaintext().build();
    try {
      HealthGrpc.HealthBlockingStub health = HealthGrpc.newBlockingStub(channel);
      while (true) {
        if (serving(health)) {
          return;
        }
        if (!process.isAlive()) {
          throw new ServerStartException(kind.title() + " exited with code " + process.exitValue()
              + " before it answered on " + target + "; the end of its log " + log + ":" + tail());
        }
        if (System.nanoTime() > deadline) {
          throw new ServerStartException(kind.title() + " did not answer on " + target + " within " + timeout.toSeconds()
              + " s; see its log " + log);
        }
        Thread.sleep(POLL.toMillis());
      }
    } finally {
      channel.shutdownNow();
    }
  }

  private static boolean serving(HealthGrpc.HealthBlockingStub health) {
    try {
      return health.withDeadlineAfter(2, TimeUnit.SECONDS).check(HealthCheckRequest.getDefaultInstance()).getStatus()
          == ServingStatus.SERVING;
    } catch (StatusRuntimeException notYet) {
      return false;
    }
  }

  /**
   * Asks the server to stop (SIGTERM: it drains and, for the trainer, checkpoints running jobs) and
   * waits {@code grace} for it; then kills it and whatever it started (a build in its script).
   *
   * @return the exit code
   */
  int stop(Duration grace) throws InterruptedException {
    process.destroy();
    if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly().waitFor();
    }
    return process.exitValue();
  }

  private String tail() {
    try {
      List<String> lines = Files.readAllLines(log);
      return lines.subList(Math.max(0, lines.size() - LOG_LINES_SHOWN), lines.size()).stream()
          .map(line -> System.lineSeparator() + "  " + line).reduce("", String::concat);
    } catch (IOException e) {
      return " (unreadable: " + e.getMessage() + ")";
    }
  }
}
