package io.dlf.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Bytes sent over loopback, from two sources: the kernel's TCP counters of each connection to a
 * cluster task ({@code ss -tinpHO}: payload bytes sent plus received, read on the connection's
 * client side, whose owner tells a connection this process opened from one between tasks), and the
 * {@code lo} interface's transmit counter ({@code /proc/net/dev}: every packet on loopback, headers
 * included, anyone's).
 */
final class LoopbackTraffic {
  private static final Pattern SOCKET = Pattern.compile(
      "^\\S+\\s+\\S+\\s+(\\S+):(\\d+)\\s+\\S+:(\\d+)\\s.*?pid=(\\d+)");
  private static final Pattern SENT = Pattern.compile("\\bbytes_sent:(\\d+)");
  private static final Pattern RECEIVED = Pattern.compile("\\bbytes_received:(\\d+)");

  /** Bytes moved in a window: between the tasks, between this process and the tasks, and on {@code lo} in all. */
  record Bytes(long betweenTasks, long client, long loopback) {
    Bytes per(long steps) {
      return new Bytes(betweenTasks / steps, client / steps, loopback / steps);
    }
  }

  /** The counters at one moment: each connection's bytes by its client-side address, and {@code lo}'s. */
  record Snapshot(Map<String, Long> betweenTasks, Map<String, Long> client, long loopback) {
    /** What moved since {@code earlier}; a connection opened in between counts from zero. */
    Bytes since(Snapshot earlier) {
      return new Bytes(delta(betweenTasks, earlier.betweenTasks), delta(client, earlier.client),
          loopback - earlier.loopback);
    }

    private static long delta(Map<String, Long> now, Map<String, Long> before) {
      long sum = 0;
      for (Map.Entry<String, Long> e : now.entrySet()) {
        sum += e.getValue() - before.getOrDefault(e.getKey(), 0L);
      }
      return sum;
    }
  }

  private final Set<Integer> taskPorts;
  private final long self = ProcessHandle.current().pid();

  /** @param taskPorts the ports the cluster's tasks listen on */
  LoopbackTraffic(Set<Integer> taskPorts) {
    this.taskPorts = Set.copyOf(taskPorts);
  }

  Snapshot snapshot() throws IOException, InterruptedException {
    Process ss = new ProcessBuilder("ss", "-tinpHO", "state", "established").redirectErrorStream(true).start();
    String out = new String(ss.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (ss.waitFor() != 0) {
      throw new IOException("ss -tinpHO failed (exit " + ss.exitValue() + "): " + out);
    }
    Map<String, Long> between = new HashMap<>();
    Map<String, Long> client = new HashMap<>();
    for (String line : out.split("\n")) {
      Matcher m = SOCKET.matcher(line);
      if (!m.find() || !taskPorts.contains(Integer.parseInt(m.group(3)))) {
        continue;
      }
      long bytes = counter(SENT, line) + counter(RECEIVED, line);
      String key = m.group(1) + ":" + m.group(2) + ">" + m.group(3);
      (Long.parseLong(m.group(4)) == self ? client : between).merge(key, bytes, Long::sum);
    }
    return new Snapshot(between, client, loopbackTransmitted());
  }

  private static long counter(Pattern pattern, String line) {
    Matcher m = pattern.matcher(line);
    return m.find() ? Long.parseLong(m.group(1)) : 0;
  }

  /** {@code lo}'s transmitted bytes: the ninth number of its line in /proc/net/dev. */
  private static long loopbackTransmitted() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/net/dev"))) {
      String trimmed = line.trim();
      if (trimmed.startsWith("lo:")) {
        return Long.parseLong(trimmed.substring(3).trim().split("\\s+")[8]);
      }
    }
    throw new IOException("/proc/net/dev has no lo line");
  }
}
