package io.dlf.bench;

import static io.dlf.bench.ServingBenchmark.P99_TARGET_MS;
import static io.dlf.bench.ServingBenchmark.P99_TARGET_REFERENCE_MS;
import static io.dlf.bench.ServingBenchmark.RATIO_TARGET;
import static io.dlf.bench.ServingBenchmark.median;

import io.dlf.bench.ServingBenchmark.ModelRun;
import io.dlf.bench.ServingBenchmark.Throughput;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The serving benchmark's figures as JSON ({@code serving.json}) and as a dated markdown report:
 * medians over runs of each figure, and of each run's served/in-process ratio (the ratio is taken
 * within a run, where both sides saw the same machine).
 */
final class ServingReport {
  private final String command;
  private final int runs;
  private final int requestBatch;
  private final int warmupMillis;
  private final int measureMillis;
  private final List<ServingModels.Model> models;
  private final Map<String, List<ModelRun>> runsByModel;
  private final ServingMachineLoad.Summary otherLoad;
  private final ThreadHandoff.Figures handoff;
  private final Map<String, WeightStream.Figures> weightReads;

  ServingReport(String command, int runs, int requestBatch, int warmupMillis, int measureMillis,
      List<ServingModels.Model> models, Map<String, List<ModelRun>> runsByModel, ServingMachineLoad.Summary otherLoad,
      ThreadHandoff.Figures handoff, Map<String, WeightStream.Figures> weightReads) {
    this.command = command;
    this.runs = runs;
    this.requestBatch = requestBatch;
    this.warmupMillis = warmupMillis;
    this.measureMillis = measureMillis;
    this.models = models;
    this.runsByModel = runsByModel;
    this.otherLoad = otherLoad;
    this.handoff = handoff;
    this.weightReads = weightReads;
  }

  /** One client count's medians over the runs. */
  private record Row(int clients, double on, double off, double inProcess, double ratioOn, double ratioOff,
      double meanBatch) {}

  private List<Row> rows(String model) {
    List<ModelRun> all = runsByModel.get(model);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < all.get(0).throughput().size(); i++) {
      int index = i;
      List<Throughput> at = all.stream().map(r -> r.throughput().get(index)).toList();
      rows.add(new Row(at.get(0).clients(), median(at, Throughput::batchingOn), median(at, Throughput::batchingOff),
          median(at, Throughput::inProcess), median(at, t -> t.batchingOn() / t.inProcess()),
          median(at, t -> t.batchingOff() / t.inProcess()), median(at, Throughput::meanBatch)));
    }
    return rows;
  }

  private double p50(String model) {
    return median(runsByModel.get(model), ModelRun::p50Millis);
  }

  private double p99(String model) {
    return median(runsByModel.get(model), ModelRun::p99Millis);
  }

  Map<String, Object> json() {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("date", Reports.today());
    json.put("machine", MachineInfo.describe());
    json.put("command", command);
    json.put("p50_ms_batch1", p50("frappe_dlf"));
    json.put("p99_ms_batch1", p99("frappe_dlf"));
    json.put("p50_ms_batch1_reference", p50("reference"));
    json.put("p99_ms_batch1_reference", p99("reference"));
    json.put("targets", Map.of("p99_ms_batch1", P99_TARGET_MS, "p99_ms_batch1_reference", P99_TARGET_REFERENCE_MS,
        "served_over_in_process_batching_on", RATIO_TARGET));
    json.put("runs", runs);
    json.put("request_batch", requestBatch);
    json.put("throughput_window_ms", measureMillis);
    json.put("throughput_windows_per_mode", ServingBenchmark.THROUGHPUT_ROUNDS);
    json.put("other_work_cores", otherLoad.otherCores());
    json.put("steal_cores", otherLoad.stealCores());
    json.put("busiest_other_processes", otherLoad.busiest());
    json.put("thread_handoff", new TreeMap<>(handoff.json()));
    Map<String, Object> byModel = new LinkedHashMap<>();
    for (ServingModels.Model m : models) {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("description", m.description());
      entry.put("version_dir", m.versionDir().toString());
      entry.put("p50_ms_batch1", p50(m.key()));
      entry.put("p99_ms_batch1", p99(m.key()));
      entry.put("in_process_p50_ms_batch1", median(runsByModel.get(m.key()), ModelRun::inProcessP50Millis));
      entry.put("in_process_p99_ms_batch1", median(runsByModel.get(m.key()), ModelRun::inProcessP99Millis));
      entry.put("grpc_round_trip_p50_ms", median(runsByModel.get(m.key()), ModelRun::grpcP50Millis));
      entry.put("grpc_round_trip_p99_ms", median(runsByModel.get(m.key()), ModelRun::grpcP99Millis));
      entry.put("weights_read_once", new TreeMap<>(weightReads.get(m.key()).json()));
      List<Map<String, Object>> throughput = new ArrayList<>();
      for (Row row : rows(m.key())) {
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("clients", row.clients());
        t.put("served_samples_per_s_batching_on", row.on());
        t.put("served_samples_per_s_batching_off", row.off());
        t.put("in_process_samples_per_s", row.inProcess());
        t.put("ratio_batching_on", row.ratioOn());
        t.put("ratio_batching_off", row.ratioOff());
        t.put("mean_examples_per_call_batching_on", row.meanBatch());
        throughput.add(t);
      }
      entry.put("throughput", throughput);
      entry.put("runs", runsByModel.get(m.key()));
      byModel.put(m.key(), entry);
    }
    json.put("models", byModel);
    return json;
  }

  String markdown() {
    StringBuilder md = new StringBuilder();
    md.append("# Serving benchmark, ").append(Reports.today()).append("\n\n");
    md.append("- Machine: ").append(MachineInfo.describe()).append("\n");
    md.append("- Command: `").append(command).append("`\n");
    md.append("- Other work on the machine during the run: ").append(describeOtherLoad()).append(". Every figure ")
        .append("below shares the machine with it.\n");
    md.append(String.format("- Thread hand-off on this machine (a task given to a parked thread, answer back): p50 "
        + "%.1f us, p99 %.1f us back to back; p50 %.1f us, p99 %.1f us when the caller worked %d us alone before, as "
        + "when a model computes between a call's hand-offs. A served call makes several (client to transport, "
        + "transport to handler and back, transport to client), so this sets how far served latency sits above "
        + "in process.%n", handoff.backToBackP50(), handoff.backToBackP99(), handoff.afterIdleP50(),
        handoff.afterIdleP99(), handoff.idleMicros()));
    md.append("- Method: the serving server runs in the benchmark's JVM on a loopback port (default settings: ")
        .append("16 handler threads, max batch 256, no queue delay, one batch per core at a time, TensorFlow ")
        .append("intra-op 1 with ops on the calling thread); clients are blocking gRPC stubs in the same JVM over ")
        .append("one channel. Before each model's run is timed, its calls (those below, and each throughput mode ")
        .append("at the most clients) repeat until the JIT compiler has settled: ").append(JitSettling.criterion())
        .append(". On two cores the compiler otherwise goes on for 20 s and more after ")
        .append("a start, taking a core from the calls being timed; a server in service has long finished. ")
        .append("Settling took ").append(describeSettling()).append(". ")
        .append("Batch-1 latency: one client, sequential calls, served, in ")
        .append("process and a health check taking turns in chunks of 100 calls. Throughput: closed-loop clients, ")
        .append("each request ").append(requestBatch).append(" example(s), against a server with batching on, one ")
        .append("with batching off, and the same model called in process (`ServableModel.predict`, the path the ")
        .append("server uses, without gRPC and batching) by as many threads: the limit. The three take turns, ")
        .append(ServingBenchmark.THROUGHPUT_ROUNDS).append(" windows of ").append(measureMillis).append(" ms each ")
        .append("(after ").append(warmupMillis).append(" ms of warm-up) per client count. Figures are medians of ")
        .append(runs).append(" runs; ratios are medians of each run's ratio. Request values are drawn from each ")
        .append("model's vocabularies, about one in ten unseen (OOV).\n\n");
    md.append("Models:\n\n");
    for (ServingModels.Model m : models) {
      md.append("- `").append(m.key()).append("`: ").append(m.description()).append(" (`").append(m.versionDir())
          .append("`)\n");
    }
    md.append("\n## Batch-1 latency, one client\n\n");
    md.append("| model | served p50 (ms) | served p99 (ms) | p99 target (ms) | met | in process p50 (ms) | ")
        .append("in process p99 (ms) | gRPC round trip p50 (ms) | gRPC round trip p99 (ms) |\n")
        .append("|---|---|---|---|---|---|---|---|---|\n");
    latencyRow(md, "frappe_dlf", P99_TARGET_MS);
    latencyRow(md, "reference", P99_TARGET_REFERENCE_MS);
    md.append("\nIn process: the same batch-1 calls on the same model without the server, taking turns with the ")
        .append("served ones in chunks of 100. ")
        .append("gRPC round trip: a grpc.health.v1 check through the same server and channel, the floor any gRPC ")
        .append("call pays here. Per run (served p50 / p99, in process p50 / p99, round trip p50 / p99, ms): ");
    for (ServingModels.Model m : models) {
      md.append("`").append(m.key()).append("` ");
      runsByModel.get(m.key()).forEach(r -> md.append(String.format("%.3f / %.3f, %.3f / %.3f, %.3f / %.3f; ",
          r.p50Millis(), r.p99Millis(), r.inProcessP50Millis(), r.inProcessP99Millis(), r.grpcP50Millis(),
          r.grpcP99Millis())));
    }
    md.append("\n\nWeights read once: the time a plain Java loop takes to read as many bytes as the model's dense ")
        .append("(non-embedding) weights, on one core and split across every core, the floor under a batch-1 call ")
        .append("of a model larger than the caches (p50 / p99, ms): ");
    for (ServingModels.Model m : models) {
      WeightStream.Figures read = weightReads.get(m.key());
      md.append(String.format("`%s` (%.1f MB) one core %.3f / %.3f, %d cores %.3f / %.3f; ", m.key(),
          read.bytes() / 1e6, read.oneCoreP50(), read.oneCoreP99(), read.cores(), read.allCoresP50(),
          read.allCoresP99()));
    }
    md.append("\n\n## Throughput (examples per second)\n\n");
    md.append("| model | clients | served, batching on | examples per call (on) | served, batching off | ")
        .append("in process (limit) | on / limit | off / limit |\n|---|---|---|---|---|---|---|---|\n");
    for (ServingModels.Model m : models) {
      for (Row row : rows(m.key())) {
        md.append(String.format("| %s | %d | %,.0f | %.1f | %,.0f | %,.0f | %.2f%s | %.2f |%n", m.key(), row.clients(),
            row.on(), row.meanBatch(), row.off(), row.inProcess(), row.ratioOn(),
            row.ratioOn() >= RATIO_TARGET ? "" : " (below 0.80)", row.ratioOff()));
      }
    }
    md.append(String.format("%nTarget: served throughput with batching on at least %.0f%% of the in-process limit.%n",
        RATIO_TARGET * 100));
    return md.toString();
  }

  private void latencyRow(StringBuilder md, String model, double target) {
    List<ModelRun> all = runsByModel.get(model);
    md.append(String.format("| %s | %.3f | %.3f | %.1f | %s | %.3f | %.3f | %.3f | %.3f |%n", model, p50(model),
        p99(model), target, p99(model) < target ? "yes" : "no", median(all, ModelRun::inProcessP50Millis),
        median(all, ModelRun::inProcessP99Millis), median(all, ModelRun::grpcP50Millis),
        median(all, ModelRun::grpcP99Millis)));
  }

  private String describeSettling() {
    List<String> parts = new ArrayList<>();
    for (ServingModels.Model m : models) {
      List<String> seconds = runsByModel.get(m.key()).stream().map(r -> String.format("%.0f s%s",
          r.jitSettling().seconds(), r.jitSettling().settled() ? "" : " (still compiling at the cap)")).toList();
      parts.add("`" + m.key() + "` " + String.join(", ", seconds));
    }
    return String.join("; ", parts) + " (per run)";
  }

  private String describeOtherLoad() {
    StringBuilder text = new StringBuilder(String.format("%.2f of %d cores on average busy with other work, %.2f "
        + "stolen by the hypervisor", otherLoad.otherCores(), Runtime.getRuntime().availableProcessors(),
        otherLoad.stealCores()));
    if (!otherLoad.busiest().isEmpty()) {
      List<String> parts = new ArrayList<>();
      otherLoad.busiest().forEach(b -> parts.add(String.format("%.2f cores: `%s`", b.cores(), b.command())));
      text.append("; busiest other processes: ").append(String.join("; ", parts));
    }
    return text.toString();
  }
}
