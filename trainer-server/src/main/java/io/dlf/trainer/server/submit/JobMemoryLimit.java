package io.dlf.trainer.server.submit;

import com.sun.management.OperatingSystemMXBean;
import io.dlf.dsl.plan.ResourceEstimate;
import io.dlf.dsl.spec.Quoted;
import io.dlf.trainer.server.TrainerServerConfig;
import io.dlf.trainer.server.devices.DeviceInventory;
import java.lang.management.ManagementFactory;

/**
 * The most memory one job may need by its admission estimate ({@link ResourceEstimate}).
 *
 * @param origin how the limit was set, for messages: "--job-memory-limit", or how it was derived
 */
public record JobMemoryLimit(long bytes, String origin) {
  /** What the trainer itself keeps: its JVM, TensorFlow's runtime, gRPC and the job records. */
  static final long TRAINER_RESERVE = 2L << 30;

  public JobMemoryLimit {
    if (bytes <= 0) {
      throw new IllegalArgumentException("a job memory limit of " + bytes + " bytes must be positive");
    }
  }

  /** The configured limit, or the machine's physical memory less the trainer's reserve, shared by the job slots. */
  public static JobMemoryLimit of(TrainerServerConfig config, DeviceInventory devices) {
    if (config.jobMemoryLimit() > 0) {
      return new JobMemoryLimit(config.jobMemoryLimit(), "--job-memory-limit");
    }
    int slots = config.cpuSlots() + (devices.gpus().isEmpty() ? 0 : config.gpuSlots());
    long physical = ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getTotalMemorySize();
    return derived(physical, slots);
  }

  /**
   * {@code (physical - reserve) / slots}, the reserve being {@link #TRAINER_RESERVE} or, on a
   * machine with less than 8 GiB, a quarter of its memory.
   */
  static JobMemoryLimit derived(long physical, int slots) {
    long reserve = Math.min(TRAINER_RESERVE, physical / 4);
    return new JobMemoryLimit((physical - reserve) / slots, "derived: (" + ResourceEstimate.human(physical)
        + " physical memory - " + ResourceEstimate.human(reserve) + " for the trainer) / " + slots + " job slots");
  }

  /** For people: "6.0 GiB (6,442,450,944 bytes, --job-memory-limit)". */
  public String describe() {
    return ResourceEstimate.human(bytes) + " (" + Quoted.count(bytes) + " bytes, "
        + origin + ")";
  }
}
