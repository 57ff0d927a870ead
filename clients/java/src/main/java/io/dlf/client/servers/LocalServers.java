package io.dlf.client.servers;

import io.dlf.client.Target;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A trainer and a serving server started as child processes, sharing one model repository, until
 * {@link #close()} stops them gracefully.
 */
public final class LocalServers implements AutoCloseable {
  /** Long enough for a launch script to build the servers first. */
  private static final Duration READY_TIMEOUT = Duration.ofMinutes(15);
  /** The trainer may take a minute to checkpoint running jobs (its --shutdown-grace, 60 s by default). */
  private static final Duration STOP_GRACE = Duration.ofSeconds(90);

  private final ServersConfig config;
  private final ServerProcess trainer;
  private final ServerProcess serving;
  private boolean stopped;

  private LocalServers(ServersConfig config, ServerProcess trainer, ServerProcess serving) {
    this.config = config;
    this.trainer = trainer;
    this.serving = serving;
  }

  /**
   * Starts both servers and returns once both answer health checks, saying on {@code out} what it
   * does.
   *
   * @throws ServerStartException if a port is in use, or a server ends or hangs before it is ready
   */
  public static LocalServers start(ServersConfig config, Launcher launcher, PrintWriter out)
      throws IOException, InterruptedException {
    Target trainerTarget = new Target(ServersConfig.HOST, config.trainerPort());
    Target servingTarget = new Target(ServersConfig.HOST, config.servingPort());
    requireFree(config.trainerPort(), "the trainer's gRPC port", "--trainer-port");
    requireFree(config.servingPort(), "the serving server's gRPC port", "--serving-port");
    requireFree(config.trainerMetricsPort(), "the trainer's metrics port", "--trainer-metrics-port");
    requireFree(config.servingMetricsPort(), "the serving server's metrics port", "--serving-metrics-port");
    Files.createDirectories(config.modelsDir());
    List<Path> roots = dataRoots(config);

    List<String> trainerArgs = new ArrayList<>(List.of("--host", ServersConfig.HOST,
        "--port", String.valueOf(config.trainerPort()), "--metrics-port", String.valueOf(config.trainerMetricsPort()),
        "--data-dir", config.dataDir().toString()));
    roots.forEach(root -> trainerArgs.addAll(List.of("--data-root", root.toString())));
    // New versions show up within a second: a local user waits for them.
    List<String> servingArgs = List.of("--host", ServersConfig.HOST, "--port", String.valueOf(config.servingPort()),
        "--metrics-port", String.valueOf(config.servingMetricsPort()),
        "--model-repository", config.modelsDir().toString(), "--poll-interval", "1s");

    // One after the other: a launch script may build the platform first, and two builds in one
    // checkout at once would trip over each other.
    ServerProcess trainer = launch(ServerKind.TRAINER, trainerTarget, launcher.command(ServerKind.TRAINER, trainerArgs),
        config.logsDir().resolve("trainer.log"), out);
    ServerProcess serving;
    try {
      serving = launch(ServerKind.SERVING, servingTarget, launcher.command(ServerKind.SERVING, servingArgs),
          config.logsDir().resolve("serving.log"), out);
    } catch (IOException | InterruptedException | RuntimeException e) {
      stopQuietly(trainer);
      throw e;
    }
    out.println("data roots: " + roots + "; jobs, models and generated datasets under " + config.dataDir());
    out.flush();
    return new LocalServers(config, trainer, serving);
  }

  /** Starts one server and waits until it answers; stops it if it does not. */
  private static ServerProcess launch(ServerKind kind, Target target, List<String> command, Path log, PrintWriter out)
      throws IOException, InterruptedException {
    ServerProcess server = ServerProcess.launch(kind, target, command, log);
    out.println("starting " + kind.title() + " (pid " + server.pid() + ") on " + target + ", log " + log);
    out.flush();
    long started = System.nanoTime();
    try {
      server.awaitHealthy(READY_TIMEOUT);
    } catch (InterruptedException | RuntimeException e) {
      stopQuietly(server);
      throw e;
    }
    out.printf("%s ready on %s (%.1f s)%n", kind.title(), target, (System.nanoTime() - started) / 1e9);
    out.flush();
    return server;
  }

  public ServersConfig config() {
    return config;
  }

  public ServerProcess trainer() {
    return trainer;
  }

  public ServerProcess serving() {
    return serving;
  }

  /** Completes with the first server to end on its own (or through {@link #close()}). */
  public CompletableFuture<ServerProcess> firstExit() {
    return CompletableFuture.anyOf(trainer.onExit().thenApply(p -> trainer), serving.onExit().thenApply(p -> serving))
        .thenApply(ServerProcess.class::cast);
  }

  /** Stops both servers gracefully, at the same time; the trainer checkpoints running jobs. */
  @Override
  public synchronized void close() {
    if (stopped) {
      return;
    }
    stopped = true;
    CompletableFuture<Void> trainerStopped = CompletableFuture.runAsync(() -> stopQuietly(trainer));
    stopQuietly(serving);
    trainerStopped.join();
  }

  private static void stopQuietly(ServerProcess server) {
    try {
      server.stop(STOP_GRACE);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The given roots; else an empty {@code <dataDir>/data}. */
  private static List<Path> dataRoots(ServersConfig config) throws IOException {
    if (!config.dataRoots().isEmpty()) {
      return config.dataRoots();
    }
    return List.of(Files.createDirectories(config.dataDir().resolve("data")));
  }

  /** Fails with one line naming the address when something already listens there (-1: no port). */
  private static void requireFree(int port, String what, String option) {
    if (port < 0) {
      return;
    }
    try (ServerSocket probe = new ServerSocket(port, 1, InetAddress.getByName(ServersConfig.HOST))) {
      probe.getLocalPort();
    } catch (IOException e) {
      throw new ServerStartException(ServersConfig.HOST + ":" + port + " (" + what + ") is already in use;"
          + " stop what listens there or choose another port with " + option);
    }
  }
}
