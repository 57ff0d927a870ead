package io.dlf.bench;

import com.sun.management.OperatingSystemMXBean;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What else used the CPU while a benchmark ran: the machine's busy time ({@code /proc/stat}, so
 * short-lived processes count too) less this process's own, the hypervisor's steal time, and the
 * other processes that were busiest.
 */
final class ServingMachineLoad {
  /** Linux reports {@code /proc/stat} in USER_HZ ticks, 100 per second on every common build. */
  private static final double TICKS_PER_SECOND = 100;

  /** Another process's share of the run: cores it kept busy on average, and what it is. */
  record Busy(String command, double cores) {}

  /** Average cores busy with other work and stolen by the hypervisor, and the busiest other processes. */
  record Summary(double otherCores, double stealCores, List<Busy> busiest) {}

  private final long self = ProcessHandle.current().pid();
  private final OperatingSystemMXBean os =
      (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
  private final Map<Long, Duration> start = cpuTimes();
  private final long[] startTicks = ticks();
  private final long startOwnNanos = os.getProcessCpuTime();
  private final long startNanos = System.nanoTime();

  private Map<Long, Duration> cpuTimes() {
    Map<Long, Duration> times = new HashMap<>();
    ProcessHandle.allProcesses().filter(p -> p.pid() != self)
        .forEach(p -> p.info().totalCpuDuration().ifPresent(d -> times.put(p.pid(), d)));
    return times;
  }

  /** Busy and steal ticks of all cores since boot, or zeros where {@code /proc/stat} is not there. */
  private static long[] ticks() {
    try {
      String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
      long busy = 0;
      for (int i : new int[] {1, 2, 3, 6, 7}) {
        busy += Long.parseLong(f[i]);
      }
      return new long[] {busy, Long.parseLong(f[8])};
    } catch (IOException | RuntimeException e) {
      return new long[] {0, 0};
    }
  }

  Summary summary() {
    double seconds = (System.nanoTime() - startNanos) / 1e9;
    long[] now = ticks();
    double own = (os.getProcessCpuTime() - startOwnNanos) / 1e9;
    double other = Math.max(0, ((now[0] - startTicks[0]) / TICKS_PER_SECOND - own) / seconds);
    double steal = (now[1] - startTicks[1]) / TICKS_PER_SECOND / seconds;
    return new Summary(other, steal, busiest(seconds));
  }

  /** The other processes still running that kept at least a tenth of a core busy, busiest first. */
  private List<Busy> busiest(double seconds) {
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
