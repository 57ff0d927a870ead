package io.dlf.trainer.server.postgres;

import io.dlf.trainer.server.devices.DeviceKind;
import io.dlf.trainer.server.devices.DeviceRequest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/**
 * The job slots of the worker hosts that are up, per device kind: in all, on the largest host (a
 * host schedules one device of each kind), and on the hosts that share cluster jobs' tasks
 * ({@code --cluster-address}) together.
 */
record HostSlots(long cpu, long gpu, long cpuOnOneHost, long gpuOnOneHost, long cpuShared, long gpuShared) {

  static HostSlots live(Connection connection) throws SQLException {
    try (PreparedStatement select = connection.prepareStatement("SELECT coalesce(sum(cpu_slots), 0), "
        + "coalesce(sum(gpu_slots), 0), coalesce(max(cpu_slots), 0), coalesce(max(gpu_slots), 0), "
        + "coalesce(sum(cpu_slots) FILTER (WHERE cluster_address IS NOT NULL), 0), "
        + "coalesce(sum(gpu_slots) FILTER (WHERE cluster_address IS NOT NULL), 0) "
        + "FROM worker_hosts WHERE expires > now()");
        ResultSet row = select.executeQuery()) {
      row.next();
      return new HostSlots(row.getLong(1), row.getLong(2), row.getLong(3), row.getLong(4), row.getLong(5),
          row.getLong(6));
    }
  }

  long slots(DeviceKind kind) {
    return kind == DeviceKind.GPU ? gpu : cpu;
  }

  /**
   * The most slots of {@code kind} one cluster job can take: the largest host's, or the sharing
   * hosts' together.
   */
  long forOneJob(DeviceKind kind) {
    return kind == DeviceKind.GPU ? Math.max(gpuOnOneHost, gpuShared) : Math.max(cpuOnOneHost, cpuShared);
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
