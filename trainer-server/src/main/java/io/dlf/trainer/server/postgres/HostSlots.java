package io.dlf.trainer.server.postgres;

import io.dlf.trainer.server.devices.DeviceKind;
import io.dlf.trainer.server.devices.DeviceRequest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/**
 * The job slots of the worker hosts that are up, per device kind: in all, and on the largest host
 * (a host schedules one device of each kind, so that is the most one cluster job can take).
 */
record HostSlots(long cpu, long gpu, long cpuOnOneHost, long gpuOnOneHost) {

  static HostSlots live(Connection connection) throws SQLException {
    try (PreparedStatement select = connection.prepareStatement("SELECT coalesce(sum(cpu_slots), 0), "
        + "coalesce(sum(gpu_slots), 0), coalesce(max(cpu_slots), 0), coalesce(max(gpu_slots), 0) "
        + "FROM worker_hosts WHERE expires > now()");
        ResultSet row = select.executeQuery()) {
      row.next();
      return new HostSlots(row.getLong(1), row.getLong(2), row.getLong(3), row.getLong(4));
    }
  }

  long slots(DeviceKind kind) {
    return kind == DeviceKind.GPU ? gpu : cpu;
  }

  /** The most slots of {@code kind} one host offers: the largest cluster job of that kind that can start. */
  long onOneHost(DeviceKind kind) {
    return kind == DeviceKind.GPU ? gpuOnOneHost : cpuOnOneHost;
  }

  /**
   * Where a request waits: a GPU when some host that is up has one, else the CPU; empty when it
   * requires a GPU and no host has one.
   */
  Optional<DeviceKind> place(DeviceRequest request) {
    return switch (request) {
      case CPU -> Optional.of(DeviceKind.CPU);
      case PREFER_GPU -> Optional.of(gpu > 0 ? DeviceKind.GPU : DeviceKind.CPU);
      case REQUIRE_GPU -> gpu > 0 ? Optional.of(DeviceKind.GPU) : Optional.empty();
    };
  }
}
