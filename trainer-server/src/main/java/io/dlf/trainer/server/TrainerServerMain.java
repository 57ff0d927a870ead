package io.dlf.trainer.server;

import io.dlf.server.GrpcServerConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Starts a trainer server and keeps it running until the process is told to stop (SIGTERM or Ctrl-C: graceful). */
@Command(name = "trainer-server", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Runs DLF training jobs that clients submit over gRPC (TrainerService).")
public final class TrainerServerMain implements Callable<Integer> {
  @Option(names = "--host", defaultValue = "127.0.0.1",
      description = "address to listen on; 0.0.0.0 for every interface (default: ${DEFAULT-VALUE})")
  String host;
  @Option(names = "--port", defaultValue = "7070",
      description = "gRPC port, 0 for any free one (default: ${DEFAULT-VALUE})")
  int port;
  @Option(names = "--metrics-port", defaultValue = "9091",
      description = "Prometheus /metrics HTTP port, -1 to turn off (default: ${DEFAULT-VALUE})")
  int metricsPort;
  @Option(names = "--data-dir", defaultValue = "data",
      description = "jobs (records and checkpoints) live in <data-dir>/jobs (default: ${DEFAULT-VALUE})")
  Path dataDir;
  @Option(names = "--models-dir",
      description = "the model repository finished jobs export to (default: <data-dir>/models)")
  Path modelsDir;
  @Option(names = "--data-root", description = "a folder datasets may be read from; repeat for more "
      + "(default: $DLF_DATA, else ../shared/data)")
  List<Path> dataRoots;
  @Option(names = "--tls-cert", description = "PEM certificate chain: serve TLS (with --tls-key)")
  Path tlsCert;
  @Option(names = "--tls-key", description = "PEM private key for --tls-cert")
  Path tlsKey;
  @Option(names = "--cpu-jobs", defaultValue = "1",
      description = "jobs training on the CPU at once (default: ${DEFAULT-VALUE})")
  int cpuJobs;
  @Option(names = "--gpu-jobs", defaultValue = "1",
      description = "jobs training on the GPU at once (default: ${DEFAULT-VALUE})")
  int gpuJobs;
  @Option(names = "--queue-size", defaultValue = "64",
      description = "jobs that may wait; more are refused with RESOURCE_EXHAUSTED (default: ${DEFAULT-VALUE})")
  int queueSize;
  @Option(names = "--cpu-only", description = "ignore GPUs even if TensorFlow finds some")
  boolean cpuOnly;
  @Option(names = "--tf-intra-threads", defaultValue = "0",
      description = "TensorFlow intra-op threads per job, 0: TensorFlow picks (default: ${DEFAULT-VALUE})")
  int intraThreads;
  @Option(names = "--tf-inter-threads", defaultValue = "0",
      description = "TensorFlow inter-op threads per job, 0: TensorFlow picks (default: ${DEFAULT-VALUE})")
  int interThreads;
  @Option(names = "--handler-threads", defaultValue = "8",
      description = "gRPC handler threads (default: ${DEFAULT-VALUE})")
  int handlerThreads;
  @Option(names = "--pause-timeout-seconds", defaultValue = "60",
      description = "on shutdown, how long running jobs get to checkpoint (default: ${DEFAULT-VALUE})")
  long pauseTimeoutSeconds;
  @Option(names = "--job-memory-limit", converter = MemorySizeConverter.class, paramLabel = "SIZE",
      description = "refuse jobs whose memory estimate exceeds this, e.g. 6g or 512m (default: physical memory "
          + "less 2 GiB for the trainer, divided by the job slots)")
  long jobMemoryLimit;

  public static void main(String[] args) {
    System.exit(new CommandLine(new TrainerServerMain()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    TrainerServer server;
    try {
      server = TrainerServer.create(trainerConfig(), grpcConfig());
    } catch (IllegalArgumentException | IllegalStateException e) {
      System.err.println("trainer-server: " + e.getMessage());
      return 2;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "trainer-shutdown"));
    server.start();
    System.out.println("trainer-server listening on " + server.target()
        + (server.metricsPort() >= 0 ? ", metrics on :" + server.metricsPort() + "/metrics" : ""));
    server.awaitTermination();
    return 0;
  }

  TrainerServerConfig trainerConfig() {
    List<Path> roots = dataRoots != null ? dataRoots
        : List.of(Path.of(Optional.ofNullable(System.getenv("DLF_DATA")).orElse("../shared/data")));
    return TrainerServerConfig.defaults(dataDir, roots)
        .withModelsDir(modelsDir != null ? modelsDir : dataDir.resolve("models"))
        .withSlots(cpuJobs, gpuJobs)
        .withQueueCapacity(queueSize)
        .withUseGpus(!cpuOnly)
        .withThreads(intraThreads, interThreads)
        .withPauseTimeout(Duration.ofSeconds(pauseTimeoutSeconds))
        .withJobMemoryLimit(jobMemoryLimit);
  }

  GrpcServerConfig grpcConfig() {
    GrpcServerConfig config = GrpcServerConfig.local().withHost(host).withPort(port).withMetricsPort(metricsPort)
        .withHandlerThreads(handlerThreads);
    if (tlsCert != null || tlsKey != null) {
      if (tlsCert == null || tlsKey == null) {
        throw new CommandLine.ParameterException(new CommandLine(this), "--tls-cert and --tls-key go together");
      }
      config = config.withTls(tlsCert, tlsKey);
    }
    return config;
  }
}
