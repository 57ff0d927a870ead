package io.dlf.client.servers;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.List;

/**
 * A trainer and a serving server on this machine, listening on 127.0.0.1, with everything they
 * write under one folder: jobs, models and generated datasets (the trainer's data dir), and logs.
 *
 * @param dataRoots the folders the trainer may read datasets from; none: {@code <dataDir>/data}
 * @param trainerMetricsPort Prometheus port, -1 for none (likewise {@code servingMetricsPort})
 */
public record ServersConfig(Path dataDir, int trainerPort, int servingPort, int trainerMetricsPort,
    int servingMetricsPort, List<Path> dataRoots) {

  public static final String HOST = "127.0.0.1";

  public ServersConfig {
    requireNonNull(dataDir, "dataDir is null");
    dataRoots = List.copyOf(dataRoots);
  }

  /** The servers' default ports (gRPC 7070 and 8500, metrics 9091 and 8502), no data root. */
  public static ServersConfig defaults(Path dataDir) {
    return new ServersConfig(dataDir, 7070, 8500, 9091, 8502, List.of());
  }

  public ServersConfig withPorts(int trainer, int serving) {
    return new ServersConfig(dataDir, trainer, serving, trainerMetricsPort, servingMetricsPort, dataRoots);
  }

  public ServersConfig withMetricsPorts(int trainer, int serving) {
    return new ServersConfig(dataDir, trainerPort, servingPort, trainer, serving, dataRoots);
  }

  public ServersConfig withDataRoots(List<Path> roots) {
    return new ServersConfig(dataDir, trainerPort, servingPort, trainerMetricsPort, servingMetricsPort, roots);
  }

  /** The model repository the trainer exports into and the serving server watches. */
  public Path modelsDir() {
    return dataDir.resolve("models");
  }

  public Path logsDir() {
    return dataDir.resolve("logs");
  }
}
