package io.dlf.bench;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.time.Duration;

/**
 * Repeats a workload until the JIT compiler has settled. A served call runs through thousands of
 * Java methods (gRPC, Netty, protobuf, the server), and on two cores C2 goes on compiling them for
 * 20 s and more, its threads taking a core from the calls being timed: latencies taken before that
 * are of a process starting up, not of a server in its steady state.
 */
final class JitSettling {
  /** How long the workload ran, and whether the compiler went quiet before {@code cap}. */
  record Outcome(double seconds, boolean settled) {}

  /** One pass of the workload; passes repeat until a window of about a second is over. */
  interface Round {
    void run() throws Exception;
  }

  private static final Duration WINDOW = Duration.ofSeconds(1);
  /** Windows in a row that must each compile less than {@link #QUIET_MILLIS}. */
  private static final int QUIET_WINDOWS = 2;
  private static final long QUIET_MILLIS = 20;

  private JitSettling() {}

  /** When the compiler counts as settled, in words for reports. */
  static String criterion() {
    return String.format("%d windows of %d s in a row that each compiled less than %d ms", QUIET_WINDOWS,
        WINDOW.toSeconds(), QUIET_MILLIS);
  }

  static Outcome settle(Round round, Duration cap) throws Exception {
    CompilationMXBean compiler = ManagementFactory.getCompilationMXBean();
    if (compiler == null || !compiler.isCompilationTimeMonitoringSupported()) {
      throw new IllegalStateException("this JVM does not report its JIT compilation time");
    }
    long start = System.nanoTime();
    int quiet = 0;
    while (quiet < QUIET_WINDOWS) {
      if (System.nanoTime() - start > cap.toNanos()) {
        return new Outcome((System.nanoTime() - start) / 1e9, false);
      }
      long compiledBefore = compiler.getTotalCompilationTime();
      long windowEnd = System.nanoTime() + WINDOW.toNanos();
      while (System.nanoTime() < windowEnd) {
        round.run();
      }
      quiet = compiler.getTotalCompilationTime() - compiledBefore < QUIET_MILLIS ? quiet + 1 : 0;
    }
    return new Outcome((System.nanoTime() - start) / 1e9, true);
  }
}
