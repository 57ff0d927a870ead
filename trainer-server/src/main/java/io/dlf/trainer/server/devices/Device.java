package io.dlf.trainer.server.devices;

import static java.util.Objects.requireNonNull;

/**
 * One TensorFlow device.
 *
 * @param name TensorFlow's short name, e.g. {@code /device:GPU:0}
 * @param memoryBytes the memory TensorFlow reports for it (0 when unknown)
 */
public record Device(String name, DeviceKind kind, long memoryBytes) {

  public Device {
    requireNonNull(name, "name is null");
    requireNonNull(kind, "kind is null");
  }

  /** A name fit for thread names and metric labels: {@code cpu0}, {@code gpu1}. */
  public String label() {
    return kind.name().toLowerCase(java.util.Locale.ROOT) + name.substring(name.lastIndexOf(':') + 1);
  }
}
