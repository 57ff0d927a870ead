package io.dlf.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What else used the CPU while a benchmark ran: every other process's CPU time between the start
 * and the end, so a report can say how many cores were busy with other work.
 */
final class ServingMachineLoad {
  /** Another process's share of the run: cores it kept busy on average, and what it is. */
  record Busy(String command, double cores) {}

  private final long self = ProcessHandle.current().pid();
  private final Map<Long, Duration> start = cpuTimes();
  private final long startNanos = System.nanoTime();

  private Map<Long, Duration> cpuTimes() {
    Map<Long, Duration> times = new HashMap<>();
    ProcessHandle.allProcesses().filter(p -> p.pid() != self)
        .forEach(p -> p.info().totalCpuDuration().ifPresent(d -> times.put(p.pid(), d)));
    return times;
  }

  /** The other processes that kept at least a tenth of a core busy since this was made, busiest first. */
  List<Busy> busiest() {
    double seconds = (System.nanoTime() - startNanos) / 1e9;
    List<Busy> busy = new ArrayList<>();
    ProcessHandle.allProcesses().filter(p -> p.pid() != self).forEach(p -> {
      Optional<Duration> now = p.info().totalCpuDuration();
      if (now.isPresent()) {
        Duration used = now.get().minus(start.getOrDefault(p.pid(), Duration.ZERO));
        double cores = used.toNanos() / 1e9 / seconds;
        if (cores >= 0.1) {
          busy.add(new Busy(describe(p), cores));
        }
      }
    });
    busy.sort(Comparator.comparingDouble(Busy::cores).reversed());
    return busy;
  }

  private static String describe(ProcessHandle process) {
    ProcessHandle.Info info = process.info();
    String command = info.command().map(c -> c.substring(c.lastIndexOf('/') + 1))
        .orElse(info.commandLine().orElse("process " + process.pid()));
    String[] args = info.arguments().orElse(new String[0]);
    for (int i = 0; i < args.length; i++) {
      if (args[i].startsWith("io.dlf.") || args[i].startsWith("org.apache.maven")) {
        StringBuilder text = new StringBuilder(command).append(' ').append(args[i]);
        for (int j = i + 1; j < Math.min(args.length, i + 7); j++) {
          text.append(' ').append(args[j]);
        }
        return text.toString();
      }
    }
    return command;
  }
}
