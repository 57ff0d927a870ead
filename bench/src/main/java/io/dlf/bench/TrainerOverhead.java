package io.dlf.bench;

import io.dlf.dsl.Presets;
import io.dlf.dsl.codec.SpecProtos;
import io.dlf.dsl.compile.SessionConfigs;
import io.dlf.dsl.export.ModelExporter;
import io.dlf.dsl.repository.ModelRepository;
import io.dlf.dsl.spec.ModelSpec;
import io.dlf.proto.model.v1.TrainingMetrics;
import io.dlf.proto.trainer.v1.DatasetRef;
import io.dlf.proto.trainer.v1.GetJobRequest;
import io.dlf.proto.trainer.v1.Job;
import io.dlf.proto.trainer.v1.JobState;
import io.dlf.proto.trainer.v1.SubmitJobRequest;
import io.dlf.proto.trainer.v1.TrainerServiceGrpc;
import io.dlf.proto.trainer.v1.TrainingSettings;
import io.dlf.proto.trainer.v1.WatchJobRequest;
import io.dlf.server.GrpcServerConfig;
import io.dlf.trainer.data.BadRows;
import io.dlf.trainer.data.DatasetCatalog;
import io.dlf.trainer.encode.DataPreparation;
import io.dlf.trainer.encode.PreparedData;
import io.dlf.trainer.job.TrainingOptions;
import io.dlf.trainer.server.TrainerServer;
import io.dlf.trainer.server.TrainerServerConfig;
import io.dlf.trainer.training.StopSignal;
import io.dlf.trainer.training.Trainer;
import io.dlf.trainer.training.TrainingListener;
import io.dlf.trainer.training.TrainingOutcome;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * What the trainer server costs: the same Frappe job run through the library (prepare, train,
 * export, in this thread) and through a trainer server on a loopback port (submit, watch to
 * SUCCEEDED: the job runs in a worker process of its own), in alternating order in one JVM. A run's
 * figures: training samples over the wall time from start to exported version, so the server's
 * whole path counts (gRPC, validation, the job store, scheduling, a fresh worker JVM, progress
 * events to a watcher); the training loop's own samples/s; and the time to the first training step.
 * Writes {@code bench/results/trainer-overhead-<date>.md}, {@code bench/results/trainer-overhead.json}
 * and the isolation figures into {@code bench/results/trainer-isolation.json}.
 */
@Command(name = "trainer-overhead", mixinStandardHelpOptions = true)
public final class TrainerOverhead implements Callable<Integer> {
  @Option(names = "--data-root", defaultValue = "../shared/data") Path dataRoot;
  @Option(names = "--results", defaultValue = "bench/results") Path results;
  @Option(names = "--work-dir", defaultValue = "data/bench/trainer-overhead") Path workDir;
  @Option(names = "--runs", defaultValue = "3", description = "measured pairs (library, server)") int runs;
  @Option(names = "--warmup", defaultValue = "1", description = "pairs run first and not counted") int warmup;
  @Option(names = "--epochs", defaultValue = "1") int epochs;
  @Option(names = "--batch", defaultValue = "4096") int batch;
  @Option(names = "--threads", defaultValue = "2", description = "TensorFlow intra- and inter-op threads") int threads;
  @Option(names = "--size", defaultValue = "8,2,8,4,64", split = ",",
      description = "dlf-paper sizes: dim, layers, tokens, rank, hidden") int[] size;

  /**
   * One run: training samples, the wall time from start to exported version, and the CPU time the
   * process spent meanwhile (less sensitive than wall time to other load on a shared machine).
   */
  record Run(String path, int index, long samples, double seconds, double cpuSeconds, double trainerSamplesPerSecond,
      double firstStepSeconds, double testAuc) {
    double samplesPerSecond() {
      return samples / seconds;
    }

    double samplesPerCpuSecond() {
      return samples / cpuSeconds;
    }
  }

  /** USER_HZ: 100 on every Linux this runs on. */
  private static final int CLOCK_TICKS_PER_SECOND = 100;

  public static void main(String[] args) {
    System.exit(new CommandLine(new TrainerOverhead()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    DatasetCatalog.Entry frappe = DatasetCatalog.get(DatasetCatalog.FRAPPE);
    ModelSpec spec = Presets.dlfPaper(new Presets.Size(size[0], size[1], size[2], size[3], size[4]))
        .name("trainer-overhead").features(frappe.features()).build();
    // a report every step, so both paths see the first step as it ends
    TrainingOptions options = TrainingOptions.defaults().maxEpochs(epochs).batchSize(batch).progressEverySteps(1);
    Path runDir = workDir.resolve(Long.toString(System.currentTimeMillis()));
    TrainerServerConfig config = TrainerServerConfig.defaults(runDir.resolve("server"), List.of(dataRoot))
        .withUseGpus(false).withThreads(threads, threads);
    TrainerServer server = TrainerServer.create(config, GrpcServerConfig.local().withMetricsPort(-1));
    server.start();
    ManagedChannel channel = ManagedChannelBuilder.forTarget(server.target()).usePlaintext().build();
    List<Run> library = new ArrayList<>();
    List<Run> served = new ArrayList<>();
    try {
      for (int i = 0; i < warmup + runs; i++) {
        // Alternate which goes first, so a drift in the machine's load does not favour one side.
        Run first = i % 2 == 0 ? library(spec, frappe, options, runDir, i) : server(channel, spec, options, i);
        Run second = i % 2 == 0 ? server(channel, spec, options, i) : library(spec, frappe, options, runDir, i);
        Run lib = first.path().equals("library") ? first : second;
        Run srv = first.path().equals("server") ? first : second;
        System.out.printf("pair %d%s: library %.0f samples/s (%.1f s), server %.0f samples/s (%.1f s), overhead %.2f%%%n",
            i + 1, i < warmup ? " (warm-up)" : "", lib.samplesPerSecond(), lib.seconds(), srv.samplesPerSecond(),
            srv.seconds(), 100 * (1 - srv.samplesPerSecond() / lib.samplesPerSecond()));
        if (i >= warmup) {
          library.add(lib);
          served.add(srv);
        }
      }
    } finally {
      channel.shutdownNow();
      server.stop();
    }
    report(library, served);
    return 0;
  }

  private Run library(ModelSpec spec, DatasetCatalog.Entry frappe, TrainingOptions options, Path runDir, int index)
      throws Exception {
    long start = System.nanoTime();
    double cpuStart = cpuSeconds();
    long[] firstStep = {0};
    TrainingListener firstStepClock = new TrainingListener() {
      @Override
      public void onProgress(int epoch, int step, int stepsPerEpoch, double loss, double samplesPerSecond) {
        if (firstStep[0] == 0) {
          firstStep[0] = System.nanoTime();
        }
      }
    };
    PreparedData data = DataPreparation.prepare(spec, frappe.schema(), frappe.splits(dataRoot), BadRows.FAIL);
    TrainingOutcome outcome = new Trainer(SessionConfigs.threads(threads, threads)).train(spec, data, options,
        runDir.resolve("library-" + index), firstStepClock, StopSignal.NEVER);
    TrainingMetrics metrics = outcome.metrics().orElseThrow();
    new ModelExporter(new ModelRepository(runDir.resolve("library-models")), SessionConfigs.threads(threads, threads))
        .export(new ModelExporter.Request(spec.name(), spec, data.vocabularies(), outcome.bestCheckpoint(), metrics,
            "library-" + index, options.seed()));
    double seconds = (System.nanoTime() - start) / 1e9;
    return new Run("library", index, (long) metrics.getEpochsRun() * data.train().size(), seconds,
        cpuSeconds() - cpuStart, metrics.getTrainSamplesPerSecond(), (firstStep[0] - start) / 1e9,
        metrics.getTest().getAuc());
  }

  /**
   * CPU seconds of this process and of its ended children (a job's worker runs in a child process,
   * which the trainer in this JVM waits for): fields 14-17 of /proc/self/stat, in clock ticks.
   */
  private static double cpuSeconds() throws IOException {
    String stat = Files.readString(Path.of("/proc/self/stat"));
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    long ticks = 0;
    for (int field = 14; field <= 17; field++) {
      ticks += Long.parseLong(fields[field - 3]);
    }
    return ticks / (double) CLOCK_TICKS_PER_SECOND;
  }

  private Run server(ManagedChannel channel, ModelSpec spec, TrainingOptions options, int index) throws IOException {
    long start = System.nanoTime();
    double cpuStart = cpuSeconds();
    Job job = TrainerServiceGrpc.newBlockingStub(channel).withDeadlineAfter(1, TimeUnit.MINUTES)
        .submitJob(SubmitJobRequest.newBuilder()
            .setModelSpec(SpecProtos.toProto(spec))
            .setDataset(DatasetRef.newBuilder().setName(DatasetCatalog.FRAPPE))
            .setTraining(TrainingSettings.newBuilder().setMaxEpochs(options.maxEpochs()).setBatchSize(options.batchSize())
                .setProgressEverySteps(options.progressEverySteps()).setDevice(TrainingSettings.Device.CPU))
            .build());
    long[] firstStep = {0};
    TrainerServiceGrpc.newBlockingStub(channel).withDeadlineAfter(2, TimeUnit.HOURS)
        .watchJob(WatchJobRequest.newBuilder().setJobId(job.getId()).build())
        .forEachRemaining(event -> {
          if (event.hasProgress() && firstStep[0] == 0) {
            firstStep[0] = System.nanoTime();
          }
        });
    double seconds = (System.nanoTime() - start) / 1e9;
    double cpuSeconds = cpuSeconds() - cpuStart;
    Job done = TrainerServiceGrpc.newBlockingStub(channel).withDeadlineAfter(1, TimeUnit.MINUTES)
        .getJob(GetJobRequest.newBuilder().setJobId(job.getId()).build());
    if (done.getState() != JobState.SUCCEEDED) {
      throw new IllegalStateException("server job " + job.getId() + " ended " + done.getState() + ": "
          + done.getFailure().getMessage());
    }
    TrainingMetrics metrics = done.getMetrics();
    return new Run("server", index, metrics.getEpochsRun() * done.getData().getTrainRows(), seconds, cpuSeconds,
        metrics.getTrainSamplesPerSecond(), (firstStep[0] - start) / 1e9, metrics.getTest().getAuc());
  }

  /** Library against server on one measure: medians, the overhead between them, and each pair's own. */
  record Comparison(double library, double server, double[] pairwise) {
    static Comparison of(List<Run> library, List<Run> served, ToDoubleFunction<Run> measure) {
      double[] pairwise = new double[library.size()];
      for (int i = 0; i < pairwise.length; i++) {
        pairwise[i] = 1 - measure.applyAsDouble(served.get(i)) / measure.applyAsDouble(library.get(i));
      }
      return new Comparison(Stats.median(library.stream().mapToDouble(measure).toArray()),
          Stats.median(served.stream().mapToDouble(measure).toArray()), pairwise);
    }

    double overhead() {
      return 1 - server / library;
    }

    double medianPairwise() {
      return Stats.median(pairwise);
    }
  }

  private void report(List<Run> library, List<Run> served) throws Exception {
    Comparison wall = Comparison.of(library, served, Run::samplesPerSecond);
    Comparison cpu = Comparison.of(library, served, Run::samplesPerCpuSecond);
    Comparison training = Comparison.of(library, served, Run::trainerSamplesPerSecond);
    double libraryStart = Stats.median(library.stream().mapToDouble(Run::firstStepSeconds).toArray());
    double serverStart = Stats.median(served.stream().mapToDouble(Run::firstStepSeconds).toArray());
    String command = "bench/trainer-overhead.sh --runs " + runs + " --warmup " + warmup + " --epochs " + epochs
        + " --batch " + batch + " --threads " + threads + " --size " + size[0] + "," + size[1] + "," + size[2] + ","
        + size[3] + "," + size[4];
    String job = String.format("dlf-paper preset (dim %d, %d layers, %d tokens, rank %d, hidden %d) on Frappe, %d epoch(s),"
        + " batch %d, CPU, TensorFlow threads %d/%d", size[0], size[1], size[2], size[3], size[4], epochs, batch,
        threads, threads);
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("server_samples_per_s", wall.server());
    json.put("library_samples_per_s", wall.library());
    json.put("overhead_ratio", wall.overhead());
    json.put("machine", MachineInfo.describe());
    json.put("date", Reports.today());
    json.put("command", command);
    json.put("job", job);
    json.put("median_pairwise_overhead_ratio", wall.medianPairwise());
    json.put("server_samples_per_cpu_s", cpu.server());
    json.put("library_samples_per_cpu_s", cpu.library());
    json.put("cpu_overhead_ratio", cpu.overhead());
    json.put("library_spread_ratio", spread(library));
    json.put("runs", runsAsMaps(library, served));
    Reports.writeJson(results.resolve("trainer-overhead.json"), json);
    Map<String, Object> isolation = new LinkedHashMap<>();
    isolation.put("worker_overhead_ratio", training.overhead());
    isolation.put("start_added_seconds", serverStart - libraryStart);
    isolation.put("worker_samples_per_s", training.server());
    isolation.put("in_process_samples_per_s", training.library());
    isolation.put("worker_first_step_seconds", serverStart);
    isolation.put("in_process_first_step_seconds", libraryStart);
    isolation.put("date", Reports.today());
    isolation.put("machine", MachineInfo.describe());
    isolation.put("command", command);
    Reports.mergeJson(results.resolve("trainer-isolation.json"), isolation);
    Path markdown = results.resolve("trainer-overhead-" + Reports.today() + ".md");
    Reports.write(markdown, markdown(library, served, wall, cpu, training, libraryStart, serverStart, command, job));
    System.out.printf("library %.0f samples/s, server %.0f samples/s: overhead %.2f%% (median of pairs %.2f%%); "
        + "per CPU second: overhead %.2f%%%n", wall.library(), wall.server(), 100 * wall.overhead(),
        100 * wall.medianPairwise(), 100 * cpu.overhead());
    System.out.printf("training loop in a worker process: %.0f samples/s against %.0f in process (worker overhead "
        + "%.2f%%); first step after %.1f s against %.1f s (%+.1f s)%n", training.server(), training.library(),
        100 * training.overhead(), serverStart, libraryStart, serverStart - libraryStart);
    System.out.println("wrote " + results.resolve("trainer-overhead.json") + ", " + results.resolve("trainer-isolation.json")
        + " and " + markdown);
  }

  /** How far apart the fastest and slowest runs are: max / min - 1 of samples/s. */
  private static double spread(List<Run> runs) {
    double[] values = runs.stream().mapToDouble(Run::samplesPerSecond).toArray();
    return Stats.percentile(values, 100) / Stats.percentile(values, 0) - 1;
  }

  private static List<Map<String, Object>> runsAsMaps(List<Run> library, List<Run> served) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (int i = 0; i < library.size(); i++) {
      for (Run run : List.of(library.get(i), served.get(i))) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("path", run.path());
        m.put("pair", i + 1);
        m.put("samples", run.samples());
        m.put("seconds", run.seconds());
        m.put("cpu_seconds", run.cpuSeconds());
        m.put("samples_per_s", run.samplesPerSecond());
        m.put("trainer_measured_samples_per_s", run.trainerSamplesPerSecond());
        m.put("first_step_seconds", run.firstStepSeconds());
        m.put("test_auc", run.testAuc());
        out.add(m);
      }
    }
    return out;
  }

  private static String markdown(List<Run> library, List<Run> served, Comparison wall, Comparison cpu,
      Comparison training, double libraryStart, double serverStart, String command, String job) {
    StringBuilder md = new StringBuilder();
    md.append("# Trainer server overhead, ").append(Reports.today()).append("\n\n");
    md.append("- Machine: ").append(MachineInfo.describe()).append("\n");
    md.append("- Command: `").append(command).append("`\n");
    md.append("- Job: ").append(job).append("\n");
    md.append("- Measured: training samples (epochs x train rows) over the wall time from the start of the job to its ")
        .append("exported version. Library: prepare, train and export called in one thread. Server: SubmitJob to a ")
        .append("trainer on a loopback port in the same JVM, which runs the job in a worker process (a fresh JVM) and ")
        .append("relays its events; WatchJob until SUCCEEDED (every progress event streamed). The two alternate, pair ")
        .append("by pair; the first pairs are warm-up and not counted. The same samples over the CPU time used ")
        .append("meanwhile (this process and its ended children, the workers) is given too: on a shared, loaded ")
        .append("machine it moves less than wall time. The training loop's own samples/s and the time from the start ")
        .append("(the call, or SubmitJob) to the first training step's report compare the worker process with the ")
        .append("library in process.\n\n");
    md.append("| pair | library samples/s | library s (CPU s) | server samples/s | server s (CPU s) | overhead | ")
        .append("CPU overhead | training loop samples/s, library / worker | first step s, library / worker |\n");
    md.append("|---|---|---|---|---|---|---|---|---|\n");
    for (int i = 0; i < library.size(); i++) {
      Run lib = library.get(i);
      Run srv = served.get(i);
      md.append(String.format("| %d | %.0f | %.1f (%.1f) | %.0f | %.1f (%.1f) | %.2f%% | %.2f%% | %.0f / %.0f | %.1f / %.1f |%n",
          i + 1, lib.samplesPerSecond(), lib.seconds(), lib.cpuSeconds(), srv.samplesPerSecond(), srv.seconds(),
          srv.cpuSeconds(), 100 * wall.pairwise()[i], 100 * cpu.pairwise()[i], lib.trainerSamplesPerSecond(),
          srv.trainerSamplesPerSecond(), lib.firstStepSeconds(), srv.firstStepSeconds()));
    }
    md.append(String.format("%n**Median: library %.0f samples/s, server %.0f samples/s; overhead 1 - server/library = "
        + "%.2f%%** (median of the pairs' own overheads: %.2f%%). The server's wall time includes its worker's fixed "
        + "start (a JVM, TensorFlow, the JIT warming up), which weighs more the shorter the job; the training loop's "
        + "own samples/s below is the cost while it trains.%n%n", wall.library(), wall.server(), 100 * wall.overhead(),
        100 * wall.medianPairwise()));
    md.append(String.format("Per CPU second: library %.0f, server %.0f samples; overhead %.2f%% (median of pairs %.2f%%).%n",
        cpu.library(), cpu.server(), 100 * cpu.overhead(), 100 * cpu.medianPairwise()));
    md.append(String.format("%n**Process isolation: the training loop ran %.0f samples/s in a worker process against %.0f in "
        + "process, worker overhead %.2f%%** (median of pairs %.2f%%; target: under 5%%); **the first step came %.1f s "
        + "after SubmitJob against %.1f s after the library call: %+.1f s** (target: under 3 s added).%n",
        training.server(), training.library(), 100 * training.overhead(), 100 * training.medianPairwise(), serverStart,
        libraryStart, serverStart - libraryStart));
    md.append(String.format("%nNoise: the library runs alone, the same code each time, span %.0f%% (slowest to fastest); "
        + "an overhead smaller than that is not resolved by this run.%n", 100 * spread(library)));
    return md.toString();
  }
}
