package io.dlf.trainer.server.devices;

import io.dlf.proto.train.v1.DeviceInfo;
import io.dlf.proto.train.v1.DeviceList;
import io.dlf.trainer.server.workers.WorkerLauncher;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The devices this trainer places jobs on, found at start-up. Only the first GPU takes jobs: the
 * compiler builds graphs without device scopes, so TensorFlow puts every GPU job on GPU:0.
 */
public final class DeviceInventory {
  private static final Device CPU = new Device("/device:CPU:0", DeviceKind.CPU, 0);
  private static final List<Path> NVIDIA_DRIVER = List.of(Path.of("/proc/driver/nvidia/version"), Path.of("/dev/nvidiactl"));
  private final Device cpu;
  private final List<Device> gpus;

  public DeviceInventory(Device cpu, List<Device> gpus) {
    this.cpu = cpu;
    this.gpus = List.copyOf(gpus);
  }

  /**
   * The CPU, and the GPUs TensorFlow lists in a worker started to look (only with {@code useGpus}
   * on a host with an NVIDIA driver: elsewhere there is nothing to find, and no worker to wait for).
   */
  public static DeviceInventory discover(boolean useGpus, WorkerLauncher launcher, Path logs) {
    if (!useGpus || NVIDIA_DRIVER.stream().noneMatch(Files::exists)) {
      return new DeviceInventory(CPU, List.of());
    }
    DeviceList listed;
    try {
      listed = launcher.listDevices(logs.resolve("device-probe.log"));
    } catch (IOException e) {
      throw new IllegalStateException("could not list this host's TensorFlow devices: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while listing this host's TensorFlow devices", e);
    }
    List<Device> gpus = listed.getDevicesList().stream().filter(DeviceInfo::getGpu)
        .map(d -> new Device(d.getName(), DeviceKind.GPU, d.getMemoryBytes())).toList();
    return new DeviceInventory(CPU, gpus);
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
