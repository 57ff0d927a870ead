package io.dlf.trainer.server.devices;

import java.util.List;
import java.util.Optional;

/**
 * The devices this trainer places jobs on, found at start-up. Only the first GPU takes jobs: the
 * compiler builds graphs without device scopes, so TensorFlow puts every GPU job on GPU:0.
 */
public final class DeviceInventory {
  private final Device cpu;
  private final List<Device> gpus;

  public DeviceInventory(Device cpu, List<Device> gpus) {
    this.cpu = cpu;
    this.gpus = List.copyOf(gpus);
  }

  /** What TensorFlow lists; without {@code useGpus}, the CPU alone. */
  public static DeviceInventory discover(boolean useGpus) {
    List<Device> all = TensorFlowDevices.list(useGpus);
    Device cpu = all.stream().filter(d -> d.kind() == DeviceKind.CPU).findFirst()
        .orElseThrow(() -> new IllegalStateException("TensorFlow lists no CPU device: " + all));
    return new DeviceInventory(cpu, all.stream().filter(d -> d.kind() == DeviceKind.GPU).toList());
  }

  public Device cpu() {
    return cpu;
  }

  /** Every GPU found (and not switched off). */
  public List<Device> gpus() {
    return gpus;
  }

  /** The devices that take jobs: the CPU and the first GPU, if any. */
  public List<Device> schedulable() {
    return gpus.isEmpty() ? List.of(cpu) : List.of(cpu, gpus.get(0));
  }

  /** Where a request runs; empty when it requires a GPU and there is none. */
  public Optional<DeviceKind> place(DeviceRequest request) {
    return switch (request) {
      case CPU -> Optional.of(DeviceKind.CPU);
      case PREFER_GPU -> Optional.of(gpus.isEmpty() ? DeviceKind.CPU : DeviceKind.GPU);
      case REQUIRE_GPU -> gpus.isEmpty() ? Optional.empty() : Optional.of(DeviceKind.GPU);
    };
  }

  /** For people: "/device:CPU:0, /device:GPU:0 (80.0 GiB)". */
  public String describe() {
    StringBuilder out = new StringBuilder(cpu.name());
    for (Device gpu : gpus) {
      out.append(", ").append(gpu.name());
      if (gpu.memoryBytes() > 0) {
        out.append(String.format(" (%.1f GiB)", gpu.memoryBytes() / (double) (1L << 30)));
      }
    }
    return out.toString();
  }
}
