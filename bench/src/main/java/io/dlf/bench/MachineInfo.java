package io.dlf.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** What a benchmark ran on, for its report: CPU model, cores, memory, Java and OS. */
public final class MachineInfo {
  private MachineInfo() {}

  public static String describe() {
    return cpuModel() + ", " + Runtime.getRuntime().availableProcessors() + " cores, "
        + memoryGib() + " GiB RAM, Java " + System.getProperty("java.version") + ", "
        + System.getProperty("os.name") + " " + System.getProperty("os.arch");
  }

  private static String cpuModel() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("model name")) {
          return line.substring(line.indexOf(':') + 1).trim();
        }
      }
    } catch (IOException ignored) {
      // not Linux: fall through
    }
    return System.getProperty("os.arch");
  }

  private static long memoryGib() {
    try {
      List<String> lines = Files.readAllLines(Path.of("/proc/meminfo"));
      for (String line : lines) {
        if (line.startsWith("MemTotal:")) {
          long kib = Long.parseLong(line.replaceAll("[^0-9]", ""));
          return Math.round(kib / 1024.0 / 1024.0);
        }
      }
    } catch (IOException | NumberFormatException ignored) {
      // unknown
    }
    return -1;
  }

  /** The process's peak resident memory (VmHWM) in MiB, or -1 where /proc is not there. */
  public static long peakResidentMib() {
    return statusMib("VmHWM:");
  }

  /** The process's resident memory now (VmRSS) in MiB, or -1 where /proc is not there. */
  public static long residentMib() {
    return statusMib("VmRSS:");
  }

  private static long statusMib(String field) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith(field)) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
        }
      }
    } catch (IOException | NumberFormatException ignored) {
      // unknown
    }
    return -1;
  }

  /**
   * Starts the peak resident memory (VmHWM) afresh from the current RSS, so that the next phase's peak
   * is its own; false where the kernel does not allow it (then the peak is the process's so far).
   */
  public static boolean resetPeakResident() {
    try {
      Files.writeString(Path.of("/proc/self/clear_refs"), "5");
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
