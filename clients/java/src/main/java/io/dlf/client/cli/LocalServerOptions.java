package io.dlf.client.cli;

import io.dlf.client.servers.ServersConfig;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/** The ports of servers this machine runs ({@code servers start}, {@code quickstart}). */
final class LocalServerOptions {
  @Option(names = "--trainer-port", defaultValue = "7070", description = "Trainer gRPC port (default: ${DEFAULT-VALUE}).")
  int trainerPort;

  @Option(names = "--serving-port", defaultValue = "8500",
      description = "Serving server gRPC port (default: ${DEFAULT-VALUE}).")
  int servingPort;

  @Option(names = "--trainer-metrics-port", defaultValue = "9091",
      description = "Trainer Prometheus port, -1 for none (default: ${DEFAULT-VALUE}).")
  int trainerMetricsPort;

  @Option(names = "--serving-metrics-port", defaultValue = "8502",
      description = "Serving server Prometheus port, -1 for none (default: ${DEFAULT-VALUE}).")
  int servingMetricsPort;

  ServersConfig config(Path dataDir, List<Path> dataRoots) {
    return ServersConfig.defaults(dataDir).withPorts(trainerPort, servingPort)
        .withMetricsPorts(trainerMetricsPort, servingMetricsPort).withDataRoots(dataRoots);
  }
}
