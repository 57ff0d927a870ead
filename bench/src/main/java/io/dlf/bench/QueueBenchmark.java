package io.dlf.bench;

import com.google.protobuf.util.Timestamps;
import io.dlf.dsl.Presets;
import io.dlf.dsl.codec.SpecProtos;
import io.dlf.dsl.spec.Feature;
import io.dlf.proto.trainer.v1.DatasetFiles;
import io.dlf.proto.trainer.v1.DatasetRef;
import io.dlf.proto.trainer.v1.ExportTarget;
import io.dlf.proto.trainer.v1.GetJobRequest;
import io.dlf.proto.trainer.v1.Job;
import io.dlf.proto.trainer.v1.JobState;
import io.dlf.proto.trainer.v1.ListJobsRequest;
import io.dlf.proto.trainer.v1.SubmitJobRequest;
import io.dlf.proto.trainer.v1.TrainerServiceGrpc;
import io.dlf.proto.trainer.v1.TrainingSettings;
import io.dlf.server.GrpcServerConfig;
import io.dlf.trainer.data.SyntheticDataset;
import io.dlf.trainer.server.ClusterSettings;
import io.dlf.trainer.server.TrainerRole;
import io.dlf.trainer.server.TrainerServer;
import io.dlf.trainer.server.TrainerServerConfig;
import io.dlf.trainer.server.TrainerServerMain;
import io.dlf.trainer.server.postgres.DatabaseSettings;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The PostgreSQL job queue's throughput and failover, on this machine: jobs leased per second by 1,
 * 2 and 4 worker hosts (JVMs of their own) of no-op jobs ({@link NoOpWorker}: each job is still a
 * worker process that starts and reports success), and how long after a killed host's lease expires
 * another host has resumed its job. A control plane runs in this JVM; the database is an embedded
 * PostgreSQL. Writes {@code queue-<date>.md} and merges its figures into {@code trainer-isolation.json}.
 */
@Command(name = "queue-benchmark", mixinStandardHelpOptions = true)
public final class QueueBenchmark implements Callable<Integer> {
  private static final List<Feature> FEATURES = List.of(Feature.categorical("site"), Feature.categorical("ad"));
  private static final Duration DEADLINE = Duration.ofMinutes(5);

  @Option(names = "--jobs", defaultValue = "60", description = "No-op jobs per throughput run (default: ${DEFAULT-VALUE}).")
  int jobs;

  @Option(names = "--runs", defaultValue = "3", description = "Runs per host count and of the failover (default: ${DEFAULT-VALUE}).")
  int runs;

  @Option(names = "--hosts", split = ",", defaultValue = "1,2,4", description = "Worker host counts (default: ${DEFAULT-VALUE}).")
  List<Integer> hostCounts;

  @Option(names = "--slots", defaultValue = "2", description = "Job slots per worker host (default: ${DEFAULT-VALUE}).")
  int slots;

  @Option(names = "--lease-timeout", defaultValue = "5s", description = "The hosts' lease timeout (default: ${DEFAULT-VALUE}).")
  String leaseTimeout;

  @Option(names = "--heartbeat-interval", defaultValue = "1s", description = "The hosts' heartbeat (default: ${DEFAULT-VALUE}).")
  String heartbeat;

  @Option(names = "--out", defaultValue = "bench/results", description = "Where the reports go (default: ${DEFAULT-VALUE}).")
  Path out;

  private Path work;
  private Path root;
  private EmbeddedPostgres postgres;
  private int databases;

  public static void main(String[] args) {
    System.exit(new CommandLine(new QueueBenchmark()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    work = Files.createTempDirectory("queue-benchmark");
    root = work.resolve("data");
    SyntheticDataset data = new SyntheticDataset(FEATURES, 1);
    data.write(root.resolve("tiny"), 500, 100, 100);
    ProcessBuilder.Redirect log = ProcessBuilder.Redirect.appendTo(work.resolve("postgres.log").toFile());
    Map<Integer, List<Double>> rates = new LinkedHashMap<>();
    List<Double> resumes = new ArrayList<>();
    List<Double> killToResume = new ArrayList<>();
    try (EmbeddedPostgres server = EmbeddedPostgres.builder().setDataDirectory(work.resolve("postgres"))
        .setCleanDataDirectory(true).setOutputRedirector(log).setErrorRedirector(log).start()) {
      postgres = server;
      SubmitJobRequest request = request(data);
      for (int run = 1; run <= runs; run++) {
        for (int hosts : hostCounts) {
          double rate = leaseRate(hosts, request);
          System.out.printf("run %d, %d worker host(s): %.2f jobs leased per second%n", run, hosts, rate);
          rates.computeIfAbsent(hosts, h -> new ArrayList<>()).add(rate);
        }
      }
      for (int run = 1; run <= runs; run++) {
        double[] failover = failover(request);
        System.out.printf("failover %d: resumed %.2f s after the lease expired, %.2f s after the kill%n", run,
            failover[0], failover[1]);
        resumes.add(failover[0]);
        killToResume.add(failover[1]);
      }
    }
    report(rates, resumes, killToResume);
    return 0;
  }

  /** Hosts up first; then the jobs are submitted; the rate runs from the first lease to the last. */
  private double leaseRate(int hostCount, SubmitJobRequest request) throws Exception {
    String url = createDatabase();
    List<Process> hosts = new ArrayList<>();
    try (ControlPlane plane = new ControlPlane(url)) {
      for (int i = 1; i <= hostCount; i++) {
        hosts.add(startHost(url, "host-" + i, List.of()));
      }
      awaitHosts(url, hostCount);
      for (int i = 0; i < jobs; i++) {
        plane.stub().submitJob(request);
      }
      List<Job> done = plane.awaitSucceeded(jobs);
      double[] starts = done.stream().mapToDouble(j -> Timestamps.toNanos(j.getAttemptHistory(0).getStartTime()) / 1e9)
          .sorted().toArray();
      return (jobs - 1) / (starts[starts.length - 1] - starts[0]);
    } finally {
      hosts.forEach(QueueBenchmark::stop);
    }
  }

  /**
   * A host holding a job is killed; returns seconds from its lease's expiry, and from the kill, to
   * the job's start on the other host.
   */
  private double[] failover(SubmitJobRequest request) throws Exception {
    String url = createDatabase();
    List<Process> hosts = new ArrayList<>();
    try (ControlPlane plane = new ControlPlane(url)) {
      Process holder = startHost(url, "holder", List.of("--worker-jvm-option", "-Ddlf.noop.hold=true"));
      hosts.add(holder);
      awaitHosts(url, 1);
      Job job = plane.stub().submitJob(request);
      plane.await(job.getId(), j -> j.getState() == JobState.RUNNING);
      hosts.add(startHost(url, "successor", List.of()));
      awaitHosts(url, 2);
      holder.destroyForcibly();
      holder.waitFor(1, TimeUnit.MINUTES);
      long killed = System.currentTimeMillis();
      double expires = leaseExpires(url, job.getId());
      Job resumed = plane.await(job.getId(), j -> j.getAttemptHistoryCount() == 2);
      double start = Timestamps.toNanos(resumed.getAttemptHistory(1).getStartTime()) / 1e9;
      return new double[] {start - expires, start - killed / 1e3};
    } finally {
      hosts.forEach(QueueBenchmark::stop);
    }
  }

  private double leaseExpires(String url, String jobId) throws Exception {
    try (Connection connection = connect(url); PreparedStatement select = connection.prepareStatement(
        "SELECT extract(epoch FROM lease_expires) FROM jobs WHERE id = ?")) {
      select.setString(1, jobId);
      try (ResultSet row = select.executeQuery()) {
        row.next();
        return row.getDouble(1);
      }
    }
  }

  /** Waits until {@code count} hosts have registered in the database. */
  private void awaitHosts(String url, int count) throws Exception {
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    while (System.nanoTime() < deadline) {
      try (Connection connection = connect(url); Statement select = connection.createStatement();
          ResultSet row = select.executeQuery("SELECT count(*) FROM worker_hosts WHERE expires > now()")) {
        row.next();
        if (row.getInt(1) >= count) {
          return;
        }
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException(count + " worker hosts did not come up; see their logs in " + work);
  }

  private Process startHost(String url, String name, List<String> extra) throws IOException {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx512m", "-cp", System.getProperty("java.class.path"), TrainerServerMain.class.getName(),
        "--role", "worker-host", "--database-url", url, "--database-user", "postgres", "--host-name", name,
        "--port", Integer.toString(freePort()), "--metrics-port", "-1", "--data-dir", work.resolve("shared").toString(),
        "--data-root", root.toString(), "--cpu-only", "--cpu-jobs", Integer.toString(slots),
        "--worker-main", NoOpWorker.class.getName(), "--worker-heap", "64m",
        "--worker-jvm-option", "-XX:TieredStopAtLevel=1", "--worker-jvm-option", "-Xshare:auto",
        "--lease-timeout", leaseTimeout, "--heartbeat-interval", heartbeat, "--shutdown-grace", "10s"));
    command.addAll(extra);
    return new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(work.resolve(name + ".log").toFile())).start();
  }

  private static void stop(Process process) {
    process.destroy();
    try {
      if (!process.waitFor(1, TimeUnit.MINUTES)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  private String createDatabase() throws Exception {
    String name = "queue_" + (++databases);
    try (Connection connection = postgres.getPostgresDatabase().getConnection();
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE DATABASE " + name);
    }
    return postgres.getJdbcUrl("postgres", name);
  }

  private static Connection connect(String url) throws Exception {
    return java.sql.DriverManager.getConnection(url, "postgres", "");
  }

  private SubmitJobRequest request(SyntheticDataset data) {
    return SubmitJobRequest.newBuilder()
        .setModelSpec(SpecProtos.toProto(Presets.dlfPaper(new Presets.Size(4, 1, 4, 2, 16)).name("noop")
            .features(FEATURES).build()))
        .setDataset(DatasetRef.newBuilder().setFiles(DatasetFiles.newBuilder().setFormat(DatasetFiles.Format.TSV)
            .addAllColumns(data.schema().columns()).setLabel("label").setHeader(DatasetFiles.Header.PRESENT)
            .setTrain("tiny/train.tsv").setValidation("tiny/validation.tsv").setTest("tiny/test.tsv")))
        .setTraining(TrainingSettings.newBuilder().setMaxEpochs(1).setBatchSize(100)
            .setDevice(TrainingSettings.Device.CPU))
        .setExport(ExportTarget.newBuilder().setModelName("noop"))
        .build();
  }

  /** A control plane in this JVM on a loopback port, over {@code url}. */
  private final class ControlPlane implements AutoCloseable {
    final TrainerServer server;
    final ManagedChannel channel;

    ControlPlane(String url) throws IOException {
      TrainerServerConfig config = TrainerServerConfig.defaults(work.resolve("shared"), List.of(root))
          .withUseGpus(false).withQueueCapacity(jobs + 1)
          .withCluster(ClusterSettings.of(TrainerRole.CONTROL_PLANE, new DatabaseSettings(url, "postgres", ""),
              "bench"));
      server = TrainerServer.create(config, GrpcServerConfig.local().withMetricsPort(-1));
      server.start();
      channel = ManagedChannelBuilder.forTarget(server.target()).usePlaintext().build();
    }

    TrainerServiceGrpc.TrainerServiceBlockingStub stub() {
      return TrainerServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    List<Job> awaitSucceeded(int count) throws InterruptedException {
      long deadline = System.nanoTime() + DEADLINE.toNanos();
      while (System.nanoTime() < deadline) {
        List<Job> done = stub().listJobs(ListJobsRequest.newBuilder().addStates(JobState.SUCCEEDED)
            .setPageSize(1000).build()).getJobsList();
        if (done.size() >= count) {
          return done;
        }
        Thread.sleep(100);
      }
      throw new IllegalStateException("the jobs did not all succeed within " + DEADLINE + "; see " + work);
    }

    Job await(String jobId, java.util.function.Predicate<Job> condition) throws InterruptedException {
      long deadline = System.nanoTime() + DEADLINE.toNanos();
      while (System.nanoTime() < deadline) {
        Job job = stub().getJob(GetJobRequest.newBuilder().setJobId(jobId).build());
        if (condition.test(job)) {
          return job;
        }
        Thread.sleep(50);
      }
      throw new IllegalStateException("job " + jobId + " did not get there within " + DEADLINE + "; see " + work);
    }

    @Override
    public void close() {
      channel.shutdownNow();
      server.stop();
    }
  }

  private void report(Map<Integer, List<Double>> rates, List<Double> resumes, List<Double> killToResume)
      throws IOException {
    String date = Reports.today();
    String machine = MachineInfo.describe();
    String command = "bench/queue-benchmark.sh --jobs " + jobs + " --runs " + runs + " --hosts "
        + String.join(",", hostCounts.stream().map(String::valueOf).toList()) + " --slots " + slots
        + " --lease-timeout " + leaseTimeout + " --heartbeat-interval " + heartbeat;
    Map<String, Double> leased = new LinkedHashMap<>();
    StringBuilder md = new StringBuilder("# PostgreSQL job queue, " + date + "\n\n")
        .append("Machine: ").append(machine).append("  \nCommand: `").append(command).append("`\n\n")
        .append("Jobs leased per second: `--jobs` no-op jobs (`NoOpWorker`: each is still a worker JVM that starts, ")
        .append("reads its job and reports success) submitted to a control plane while the worker hosts (JVMs of ")
        .append("their own, ").append(slots).append(" slots each) were up; the rate runs from the first lease to the ")
        .append("last (attempt start times). Median of ").append(runs).append(" runs, the runs taking turns. ")
        .append("All hosts share this machine's cores, and every job starts a worker JVM, so with few cores the ")
        .append("rate is bounded by those starts more than by the database.\n\n")
        .append("| worker hosts | jobs leased per second (median) | runs |\n|---|---|---|\n");
    rates.forEach((hosts, values) -> {
      double median = Stats.median(values.stream().mapToDouble(Double::doubleValue).toArray());
      leased.put(Integer.toString(hosts), median);
      md.append("| ").append(hosts).append(" | ").append(String.format("%.2f", median)).append(" | ")
          .append(String.join(", ", values.stream().map(v -> String.format("%.2f", v)).toList())).append(" |\n");
    });
    double resume = Stats.median(resumes.stream().mapToDouble(Double::doubleValue).toArray());
    double fromKill = Stats.median(killToResume.stream().mapToDouble(Double::doubleValue).toArray());
    md.append("\nLease expiry to resume: a host holding a job (the no-op worker told to hold it) is killed with ")
        .append("SIGKILL while a second host is up; from the lease's expiry (its `lease_expires`, read after the ")
        .append("kill) to the job's next attempt starting on the second host: median ")
        .append(String.format("%.2f s", resume)).append(" (runs: ")
        .append(String.join(", ", resumes.stream().map(v -> String.format("%.2f", v)).toList()))
        .append("); from the kill: median ").append(String.format("%.2f s", fromKill)).append(" (lease timeout ")
        .append(leaseTimeout).append(", heartbeat ").append(heartbeat).append(").\n");
    Reports.write(out.resolve("queue-" + date + ".md"), md.toString());

    Path figures = out.resolve("trainer-isolation.json");
    Map<String, Object> queue = new LinkedHashMap<>();
    queue.put("date", date);
    queue.put("machine", machine);
    queue.put("command", command);
    queue.put("kill_to_resume_seconds", fromKill);
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("jobs_leased_per_second", leased);
    json.put("lease_expiry_to_resume_seconds", resume);
    json.put("queue_benchmark", queue);
    // The isolation benchmark writes its figures into the same file: each keeps the other's keys.
    Reports.mergeJson(figures, json);
    System.out.println("wrote " + out.resolve("queue-" + date + ".md") + " and " + figures);
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
