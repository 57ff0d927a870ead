package io.dlf.serving;

import com.google.inject.CreationException;
import com.google.inject.ProvisionException;
import io.dlf.serving.predict.BatchingConfig;
import io.dlf.serving.repository.RepositoryConfig;
import io.dlf.serving.version.LabelAssignment;
import io.dlf.serving.version.VersionPolicy;
import io.dlf.serving.version.VersionsConfig;
import io.dlf.server.DurationConverter;
import io.dlf.server.GrpcServerConfig;
import io.dlf.server.GrpcServerDefaults;
import io.dlf.server.GrpcServerOptions;
import io.dlf.server.WiringErrors;
import io.dlf.server.auth.AuthOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The serving server's command line: {@code serving-server.sh --model-repository data/models}. */
@Command(name = "serving-server", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Serves every version of every model in a model repository over gRPC "
        + "(dlf.serving.v1 and KServe v2), with health, reflection and Prometheus metrics.")
public final class ServingServerMain implements Callable<Integer> {
  private static final GrpcServerDefaults GRPC_DEFAULTS = new GrpcServerDefaults(8500, 8502, 16, "10s");

  @Option(names = {"-r", "--model-repository"}, required = true, paramLabel = "DIR",
      description = "The model repository: DIR/<model>/<version>/.")
  Path repository;

  @Mixin
  GrpcServerOptions server;

  @Mixin
  AuthOptions auth;

  @Option(names = "--poll-interval", defaultValue = "5s", converter = DurationConverter.class,
      description = "How often to look for new versions; 0 only on Reload (default: ${DEFAULT-VALUE}).")
  Duration pollInterval;

  @Option(names = "--version-policy", defaultValue = "latest:1", paramLabel = "POLICY",
      description = "Versions served per model: latest:N, all or specific:V1,V2 (default: ${DEFAULT-VALUE}).")
  String versionPolicy;

  @Option(names = "--model-policy", paramLabel = "MODEL=POLICY",
      description = "The version policy of one model, e.g. ctr=latest:2 (repeatable).")
  List<String> modelPolicies = new ArrayList<>();

  @Option(names = "--label", paramLabel = "MODEL:LABEL=VERSION",
      description = "A label, e.g. ctr:stable=3; it takes effect once the version is AVAILABLE. It applies while the "
          + "model has no labels.json in the repository; the first SetLabel or RemoveLabel writes that file starting "
          + "from these labels, and from then on the file wins (repeatable).")
  List<String> labels = new ArrayList<>();

  @Option(names = "--load-threads", defaultValue = "1", description = "Versions loaded at once (default: ${DEFAULT-VALUE}).")
  int loadThreads;

  @Option(names = "--warmup-iterations", defaultValue = "2",
      description = "Warm-up calls at batch 1 and at the max batch size before a version answers "
          + "(default: ${DEFAULT-VALUE}).")
  int warmupIterations;

  @Option(names = "--tf-intra-threads", defaultValue = "1",
      description = "TensorFlow threads within an op, per version (default: ${DEFAULT-VALUE}).")
  int intraThreads;

  @Option(names = "--tf-inter-threads", defaultValue = "-1",
      description = "TensorFlow threads running ops side by side, per version; -1 runs them on the request's thread "
          + "(default: ${DEFAULT-VALUE}).")
  int interThreads;

  @Option(names = "--batching", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "Merge concurrent requests into one TensorFlow call (default: ${DEFAULT-VALUE}).")
  boolean batching;

  @Option(names = "--max-batch-size", defaultValue = "256",
      description = "Most examples per TensorFlow call (default: ${DEFAULT-VALUE}).")
  int maxBatchSize;

  @Option(names = "--max-queue-delay", defaultValue = "0ms", converter = DurationConverter.class,
      description = "How long a request may wait for others to fill a batch (default: ${DEFAULT-VALUE}).")
  Duration maxQueueDelay;

  @Option(names = "--max-queue-size", defaultValue = "1024",
      description = "Requests waiting per version before RESOURCE_EXHAUSTED (default: ${DEFAULT-VALUE}).")
  int maxQueueSize;

  @Option(names = "--max-concurrent-batches", description = "Batches of one version running at once "
      + "(default: the number of cores).")
  Integer maxConcurrentBatches;

  @Option(names = "--max-examples-per-request", defaultValue = "4096",
      description = "Largest batch one request may carry (default: ${DEFAULT-VALUE}).")
  int maxExamplesPerRequest;

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The command line, with the serving server's ports, threads and grace as defaults. */
  static CommandLine commandLine() {
    return new CommandLine(new ServingServerMain()).setDefaultValueProvider(GRPC_DEFAULTS);
  }

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    ServingConfig config;
    try {
      config = config();
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage(), e);
    }
    ServingServer server;
    try {
      server = ServingServer.create(config);
    } catch (CreationException | ProvisionException e) {
      System.err.println("serving-server: " + WiringErrors.of(e).getMessage());
      return 2;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "serving-shutdown"));
    server.start();
    server.awaitTermination();
    return 0;
  }

  /** The configuration the options describe; throws IllegalArgumentException naming a bad one. */
  ServingConfig config() {
    GrpcServerConfig grpc = server.config();
    Map<String, VersionPolicy> policies = new LinkedHashMap<>();
    for (String entry : modelPolicies) {
      int equals = entry.indexOf('=');
      if (equals < 1) {
        throw new IllegalArgumentException("--model-policy '" + entry + "' is not MODEL=POLICY");
      }
      policies.put(entry.substring(0, equals), VersionPolicy.parse(entry.substring(equals + 1)));
    }
    VersionsConfig versions = new VersionsConfig(VersionPolicy.parse(versionPolicy), policies,
        labels.stream().map(LabelAssignment::parse).toList(), loadThreads, warmupIterations, intraThreads, interThreads);
    BatchingConfig batchingConfig = new BatchingConfig(batching, maxBatchSize, maxQueueDelay, maxQueueSize,
        maxConcurrentBatches == null ? Runtime.getRuntime().availableProcessors() : maxConcurrentBatches,
        maxExamplesPerRequest);
    return new ServingConfig(grpc, new RepositoryConfig(repository, pollInterval), versions, batchingConfig,
        auth.config());
  }
}
