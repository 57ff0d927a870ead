package io.dlf.server.testing;

import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A server's main class in a JVM of its own, with the calling test's class path and its output in a
 * log file, so that a test can kill it the hard way (SIGKILL: no shutdown hook, nothing flushed) and
 * start it again.
 */
public final class ChildJvm implements AutoCloseable {
  private final Process process;
  private final Path log;

  private ChildJvm(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  /** Starts {@code mainClass} with {@code args}; its output goes to {@code log}. */
  public static ChildJvm start(Class<?> mainClass, List<String> args, Path log) throws IOException {
    String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx1g", "-cp", classPath));
    String nativeCache = System.getProperty("org.bytedeco.javacpp.cachedir");
    if (nativeCache != null) {
      command.add("-Dorg.bytedeco.javacpp.cachedir=" + nativeCache);
    }
    command.add(mainClass.getName());
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().putIfAbsent("TF_CPP_MIN_LOG_LEVEL", "2");
    return new ChildJvm(builder.start(), log);
  }

  /** A loopback port free now, for a child to listen on (a child cannot tell its parent a port it picked). */
  public static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /** Waits until the child answers grpc.health SERVING on {@code channel}; fails at once if it exits. */
  public void awaitServing(ManagedChannel channel, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      if (!process.isAlive()) {
        throw new AssertionError("the child JVM exited with code " + process.exitValue() + " before it served:"
            + logText());
      }
      try {
        if (HealthGrpc.newBlockingStub(channel).withDeadlineAfter(1, TimeUnit.SECONDS)
            .check(HealthCheckRequest.getDefaultInstance()).getStatus() == ServingStatus.SERVING) {
          return;
        }
      } catch (StatusRuntimeException notYet) {
        // not listening yet
      }
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("the child JVM did not serve within " + timeout + ":" + logText());
      }
      Thread.sleep(100);
    }
  }

  /**
   * Waits until the child has written a line starting with {@code prefix} (a process that is not a
   * gRPC server saying it is ready) and returns the line; fails at once if it exits.
   */
  public String awaitLine(String prefix, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      boolean exited = !process.isAlive();
      try {
        if (Files.exists(log)) {
          for (String line : Files.readAllLines(log)) {
            if (line.startsWith(prefix)) {
              return line;
            }
          }
        }
      } catch (IOException notYetReadable) {
        // a partly written line that is not UTF-8 yet: read again
      }
      if (exited) {
        throw new AssertionError("the child JVM exited with code " + process.exitValue() + " before it wrote '"
            + prefix + "':" + logText());
      }
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("the child JVM did not write '" + prefix + "' within " + timeout + ":" + logText());
      }
      Thread.sleep(100);
    }
  }

  /** SIGKILL, as {@code kill -9} does, and waits until the process is gone. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(1, TimeUnit.MINUTES)) {
      throw new AssertionError("the child JVM " + process.pid() + " outlived SIGKILL by a minute");
    }
  }

  /** The child's output so far, for a failure message. */
  public String logText() {
    try {
      return Files.exists(log) ? "\n" + Files.readString(log) : " (no log)";
    } catch (IOException e) {
      return " (log unreadable: " + e.getMessage() + ")";
    }
  }

  /** Asks the child to stop (SIGTERM) and waits a minute for it, then kills it. */
  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(1, TimeUnit.MINUTES)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
