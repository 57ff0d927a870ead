package io.dlf.trainer.server;

import io.dlf.server.GrpcServerConfig;
import io.dlf.server.GrpcServerDefaults;
import io.dlf.server.GrpcServerOptions;
import io.dlf.server.DurationConverter;
import io.dlf.server.auth.AuthOptions;
import io.dlf.trainer.server.postgres.DatabaseSettings;
import io.dlf.trainer.server.workers.WorkerLauncher;
import io.dlf.trainer.server.workers.WorkerSettings;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** Starts a trainer server and keeps it running until the process is told to stop (SIGTERM or Ctrl-C: graceful). */
@Command(name = "trainer-server", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Runs DLF training jobs that clients submit over gRPC (TrainerService).",
        "Default paths lie in the checkout the launch script runs from (else in the working directory); paths "
            + "given here resolve against the working directory."})
public final class TrainerServerMain implements Callable<Integer> {
  /** The checkout the launch script names; without it, default paths lie in the working directory. */
  static final String HOME_PROPERTY = "dlf.home";

  @Mixin
  GrpcServerOptions server;

  @Mixin
  AuthOptions auth;

  @Option(names = "--data-dir", description = "Jobs (records and checkpoints) live in <data-dir>/jobs "
      + "(default: ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(names = "--models-dir",
      description = "The model repository finished jobs export to (default: <data-dir>/models).")
  Path modelsDir;

  @Option(names = "--data-root", description = "A folder datasets may be read from; repeat for more "
      + "(default: $DLF_DATA, else ../shared/data beside the checkout: ${DEFAULT-VALUE}).")
  List<Path> dataRoots;

  @Option(names = "--cpu-jobs", defaultValue = "1",
      description = "Jobs training on the CPU at once (default: ${DEFAULT-VALUE}).")
  int cpuJobs;

  @Option(names = "--gpu-jobs", defaultValue = "1",
      description = "Jobs training on the GPU at once (default: ${DEFAULT-VALUE}).")
  int gpuJobs;

  @Option(names = "--queue-size", defaultValue = "64",
      description = "Jobs that may wait; more are refused with RESOURCE_EXHAUSTED (default: ${DEFAULT-VALUE}).")
  int queueSize;

  @Option(names = "--cpu-only", description = "Ignore GPUs even if TensorFlow finds some (default: off).")
  boolean cpuOnly;

  @Option(names = "--tf-intra-threads", defaultValue = "0",
      description = "TensorFlow threads within an op, per job; 0: TensorFlow picks (default: ${DEFAULT-VALUE}).")
  int intraThreads;

  @Option(names = "--tf-inter-threads", defaultValue = "0",
      description = "TensorFlow threads running ops side by side, per job; 0: TensorFlow picks "
          + "(default: ${DEFAULT-VALUE}).")
  int interThreads;
  @Option(names = "--job-memory-limit", converter = MemorySizeConverter.class, paramLabel = "SIZE",
      description = "Refuse jobs whose memory estimate exceeds this, e.g. 6g or 512m (default: physical memory "
          + "less 2 GiB for the trainer, divided by the job slots).")
  long jobMemoryLimit;

  @Option(names = "--worker-heap", defaultValue = "2g",
      description = "Java heap of each job's worker process (-Xmx); TensorFlow's tensors live outside it "
          + "(default: ${DEFAULT-VALUE}).")
  String workerHeap;

  @Option(names = "--worker-jvm-option", paramLabel = "OPTION",
      description = "A JVM option for each job's worker process, e.g. -XX:+UseParallelGC; repeatable (default: none).")
  List<String> workerJvmOptions = new ArrayList<>();

  @Option(names = "--worker-classpath", description = "The worker processes' class path (default: the "
      + "trainer-worker module's, which the launch script passes as -Ddlf.worker.classpath; else this JVM's).")
  String workerClasspath;

  @Option(names = "--max-attempts", defaultValue = "2",
      description = "Times a job's worker may die (killed, crashed) before the job fails; each retry resumes from "
          + "the last checkpoint (default: ${DEFAULT-VALUE}).")
  int maxAttempts;

  @Option(names = "--worker-main", paramLabel = "CLASS", defaultValue = WorkerLauncher.MAIN,
      description = "The workers' main class; only tests and benchmarks change it (default: ${DEFAULT-VALUE}).")
  String workerMain;

  @Option(names = "--role", defaultValue = "all", converter = RoleConverter.class,
      description = "all: the API and running jobs in one process; control-plane: the API over the shared database; "
          + "worker-host: runs jobs it leases from the shared database. Roles other than all need --database-url "
          + "(default: ${DEFAULT-VALUE}).")
  TrainerRole role;

  @Option(names = "--database-url", paramLabel = "JDBC_URL",
      description = "Keep jobs and the queue in this PostgreSQL database, shared with other trainers, e.g. "
          + "jdbc:postgresql://db:5432/dlf (default: $DLF_DATABASE_URL, else none: jobs in files under --data-dir).")
  String databaseUrl;

  @Option(names = "--database-user",
      description = "The database user (default: $DLF_DATABASE_USER, else the URL's or the driver's).")
  String databaseUser;

  @Option(names = "--database-password-file", paramLabel = "FILE",
      description = "A file holding the database password (default: $DLF_DATABASE_PASSWORD, else none).")
  Path databasePasswordFile;

  @Option(names = "--host-name", description = "This worker host's name in leases and job attempts; one per host "
      + "(default: the machine's host name).")
  String hostName;

  @Option(names = "--lease-timeout", paramLabel = "DURATION", defaultValue = "30s", converter = DurationConverter.class,
      description = "How long a running job's lease outlives its host's last heartbeat before another host resumes "
          + "the job; also the longest database outage running jobs ride out (default: ${DEFAULT-VALUE}).")
  Duration leaseTimeout;

  @Option(names = "--heartbeat-interval", paramLabel = "DURATION", defaultValue = "1s",
      converter = DurationConverter.class, description = "How often a worker host renews its leases and reads "
          + "cancels (default: ${DEFAULT-VALUE}).")
  Duration heartbeatInterval;

  @Option(names = "--backfill-limit", paramLabel = "DURATION", defaultValue = "10m",
      converter = DurationConverter.class, description = "How long younger jobs may start ahead of a queued cluster "
          + "job that needs more free slots than a worker host has; after that, hosts whose device could hold it "
          + "lease nothing younger of its device kind until it fits (default: ${DEFAULT-VALUE}).")
  Duration backfillLimit;

  @Option(names = "--cluster-address", paramLabel = "ADDRESS", description = "Share the tasks of cluster jobs with "
      + "the other worker hosts that give this option: this host runs tasks of cluster jobs other hosts leased, and "
      + "spreads those of its own over them when it lacks the slots; other hosts reach its tasks at ADDRESS. "
      + "TensorFlow's task servers listen on every interface and authenticate nobody: give an address on a network "
      + "only the worker hosts reach (default: none; a cluster job runs whole on the host that leases it).")
  String clusterAddress;

  public static void main(String[] args) {
    System.exit(commandLine(Path.of(System.getProperty(HOME_PROPERTY, "")), System.getenv()).execute(args));
  }

  /**
   * The command line, with its default paths under {@code home} and {@code $DLF_DATA} read from
   * {@code environment}.
   */
  static CommandLine commandLine(Path home, Map<String, String> environment) {
    TrainerServerMain main = new TrainerServerMain();
    main.environment = environment;
    return new CommandLine(main).setDefaultValueProvider(new Defaults(home, environment));
  }

  private Map<String, String> environment = Map.of();

  @Override
  public Integer call() throws Exception {
    TrainerServer server;
    try {
      server = TrainerServer.create(trainerConfig(), grpcConfig(), auth.config());
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

  /** Running jobs get the shutdown grace to checkpoint, as calls in flight get it to finish. */
  TrainerServerConfig trainerConfig() {
    TrainerServerConfig config = embeddedConfig();
    Optional<String> url = Optional.ofNullable(databaseUrl);
    if (url.isEmpty()) {
      if (role != TrainerRole.ALL) {
        throw new IllegalArgumentException("--role " + RoleConverter.name(role) + " needs a shared database: give "
            + "--database-url (or $DLF_DATABASE_URL), the same for every control plane and worker host");
      }
      return config;
    }
    DatabaseSettings database = new DatabaseSettings(url.get(), databaseUser != null ? databaseUser : "",
        databasePassword());
    return config.withCluster(ClusterSettings.of(role, database, hostName != null ? hostName : localHostName())
        .withHeartbeatInterval(heartbeatInterval).withLeaseTimeout(leaseTimeout).withBackfillLimit(backfillLimit)
        .withClusterAddress(Optional.ofNullable(clusterAddress)));
  }

  private String databasePassword() {
    if (databasePasswordFile == null) {
      return environment.getOrDefault("DLF_DATABASE_PASSWORD", "");
    }
    try {
      return Files.readString(databasePasswordFile).strip();
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read the database password file " + databasePasswordFile
          + " (--database-password-file): " + e.getMessage(), e);
    }
  }

  private static String localHostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("this machine's host name cannot be found (" + e.getMessage()
          + "); give one with --host-name", e);
    }
  }

  private TrainerServerConfig embeddedConfig() {
    return TrainerServerConfig.defaults(dataDir, dataRoots)
        .withModelsDir(modelsDir != null ? modelsDir : dataDir.resolve("models"))
        .withSlots(cpuJobs, gpuJobs)
        .withQueueCapacity(queueSize)
        .withUseGpus(!cpuOnly)
        .withThreads(intraThreads, interThreads)
        .withPauseTimeout(server.config().shutdownGrace())
        .withJobMemoryLimit(jobMemoryLimit)
        .withWorkers(workers());
  }

  private WorkerSettings workers() {
    WorkerSettings defaults = WorkerSettings.defaults();
    return defaults.withClasspath(workerClasspath != null ? workerClasspath : defaults.classpath())
        .withHeap(workerHeap)
        .withJvmOptions(workerJvmOptions)
        .withMaxAttempts(maxAttempts)
        .withMainClass(workerMain);
  }

  GrpcServerConfig grpcConfig() {
    return server.config();
  }

  /** The trainer's ports, threads and grace, and its default paths. */
  private record Defaults(Path home, Map<String, String> environment) implements IDefaultValueProvider {
    private static final GrpcServerDefaults GRPC = new GrpcServerDefaults(7070, 9091, 8, "60s");

    @Override
    public String defaultValue(ArgSpec argument) {
      String name = argument instanceof OptionSpec option ? option.longestName() : "";
      return switch (name) {
        case "--data-dir" -> home.resolve("data").toString();
        case "--data-root" -> Optional.ofNullable(environment.get("DLF_DATA"))
            .orElseGet(() -> home.resolve("../shared/data").normalize().toString());
        case "--database-url" -> environment.get("DLF_DATABASE_URL");
        case "--database-user" -> environment.get("DLF_DATABASE_USER");
        default -> GRPC.defaultValue(argument);
      };
    }
  }
}
