package io.dlf.trainer.server;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@link TrainerServerMain} in a JVM of its own, with this test's class path, on a loopback port
 * of its own: a process a test can kill hard. Its output goes to {@code <name>.log}.
 */
final class TrainerProcess implements AutoCloseable {
  final Process process;
  final int port;
  final Path log;
  final ManagedChannel channel;

  private TrainerProcess(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
    this.channel = ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
  }

  /** Starts a trainer with {@code args} (besides its port and metrics) and waits until it serves. */
  static TrainerProcess start(Path dir, String name, List<String> args) throws Exception {
    return start(dir, name, freePort(), args);
  }

  /** The same on a given port (a restart on the port clients know). */
  static TrainerProcess start(Path dir, String name, int port, List<String> args) throws Exception {
    String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx1g", "-cp", classPath));
    String nativeCache = System.getProperty("org.bytedeco.javacpp.cachedir");
    if (nativeCache != null) {
      command.add("-Dorg.bytedeco.javacpp.cachedir=" + nativeCache);
    }
    command.add(TrainerServerMain.class.getName());
    command.addAll(List.of("--port", Integer.toString(port), "--metrics-port", "-1"));
    command.addAll(args);
    Path log = dir.resolve(name + ".log");
    Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    TrainerProcess trainer = new TrainerProcess(process, port, log);
    trainer.awaitServing();
    return trainer;
  }

  private void awaitServing() throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    while (System.nanoTime() < deadline) {
      assertTrue(process.isAlive(), "the trainer exited: " + log());
      try {
        if (HealthGrpc.newBlockingStub(channel).withDeadlineAfter(1, TimeUnit.SECONDS)
            .check(HealthCheckRequest.getDefaultInstance()).getStatus() == ServingStatus.SERVING) {
          return;
        }
      } catch (StatusRuntimeException notYet) {
        // not listening yet
      }
      Thread.sleep(200);
    }
    throw new AssertionError("the trainer did not start serving: " + log());
  }

  /** SIGKILL: nothing of the process gets to run again. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(1, TimeUnit.MINUTES);
  }

  String log() throws IOException {
    return Files.exists(log) ? "\n" + Files.readString(log) : "";
  }

  /** SIGTERM (a graceful stop), then waits for the process. */
  @Override
  public void close() {
    channel.shutdownNow();
    process.destroy();
    try {
      if (!process.waitFor(2, TimeUnit.MINUTES)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
