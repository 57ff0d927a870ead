package io.dlf.bench;

import io.dlf.dsl.Presets;
import io.dlf.dsl.compile.TowerFeeds;
import io.dlf.dsl.compile.FieldLayout;
import io.dlf.dsl.compile.SessionConfigs;
import io.dlf.dsl.compile.TrainingGraph;
import io.dlf.dsl.encode.EncodedBatch;
import io.dlf.dsl.plan.ModelPlan;
import io.dlf.dsl.spec.ModelSpec;
import io.dlf.dsl.training.OptimizerSettings;
import io.dlf.trainer.data.DatasetCatalog;
import com.google.gson.Gson;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import org.tensorflow.GraphOperation;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.TensorFlow;
import org.tensorflow.proto.RunMetadata;
import org.tensorflow.proto.RunOptions;
import org.tensorflow.proto.StepStats;
import org.tensorflow.types.TFloat32;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** Times training steps of a preset on random Frappe-shaped batches and traces where a step's time goes. */
@Command(name = "profile-step", mixinStandardHelpOptions = true)
public final class ProfileStep implements Callable<Integer> {
  private static final double MIB = 1 << 20;

  @Option(names = "--preset", defaultValue = "dlf-reference") String preset;
  @Option(names = "--dim", defaultValue = "64") int dim;
  @Option(names = "--layers", defaultValue = "3") int layers;
  @Option(names = "--tokens", defaultValue = "32") int tokens;
  @Option(names = "--rank", defaultValue = "24") int rank;
  @Option(names = "--hidden", defaultValue = "512") int hidden;
  @Option(names = "--batch", defaultValue = "10000") int batch;
  @Option(names = "--steps", defaultValue = "5") int steps;
  @Option(names = "--intra", defaultValue = "2") int intra;
  @Option(names = "--inter", defaultValue = "2") int inter;
  @Option(names = "--top", defaultValue = "25") int top;
  @Option(names = "--bf16") boolean bf16;
  @Option(names = "--micro-batches", defaultValue = "1", description = "differentiate the batch in this many parts, "
      + "one after another (training.micro_batches)") int microBatches;
  @Option(names = "--json", description = "print the timings and the peak RSS as a result line for ChildJvm")
  boolean json;
  @Option(names = "--no-trace", description = "skip the traced step and its report") boolean noTrace;
  @Option(names = "--memory", description = "also print the process's memory by phase and what TensorFlow's "
      + "kernels held at the step's peak") boolean memory;

  public static void main(String[] args) {
    System.exit(new CommandLine(new ProfileStep()).execute(args));
  }

  @Override
  public Integer call() {
    phase("JVM started, TensorFlow not loaded");
    TensorFlow.version();
    phase("TensorFlow's native libraries loaded");
    ModelSpec spec = Presets.named(preset, new Presets.Size(dim, layers, tokens, rank, hidden))
        .features(DatasetCatalog.get("frappe").features()).build();
    ModelPlan plan = ModelPlan.of(spec);
    Map<String, Integer> sizes = new HashMap<>();
    int[] frappe = {956, 4084, 9, 9, 4, 5, 4, 11, 82, 235};
    for (int i = 0; i < frappe.length; i++) {
      sizes.put(DatasetCatalog.FRAPPE_FIELDS.get(i), frappe[i]);
    }
    FieldLayout layout = FieldLayout.of(plan, sizes);
    Random random = new Random(1);
    int[] ids = new int[batch * 10];
    float[] labels = new float[batch];
    for (int i = 0; i < batch; i++) {
      for (int f = 0; f < 10; f++) {
        ids[i * 10 + f] = 1 + random.nextInt(frappe[f] - 2);
      }
      labels[i] = random.nextFloat() < 0.33f ? 1f : 0f;
    }
    EncodedBatch encoded = new EncodedBatch(batch, ids, new float[0], Map.of());
    phase("random batch built on the heap");
    try (TrainingGraph graph = TrainingGraph.build(plan, layout, 1L,
            OptimizerSettings.defaults().microBatches(microBatches));
        Session session = new Session(graph.graph(), bf16 ? SessionConfigs.bfloat16(intra, inter) : SessionConfigs.threads(intra, inter));
        TowerFeeds inputs = new TowerFeeds(graph, layout, encoded, labels);
        TFloat32 lr = TFloat32.scalarOf(1e-3f)) {
      phase("graph built, feeds in tensors");
      session.initialize();
      phase("variables and Adam slots initialised");
      double[] timed = new double[steps];
      for (int s = 0; s <= steps; s++) {
        long t0 = System.nanoTime();
        inputs.feed(session.runner()).feed(graph.learningRate(), lr)
            .addTarget(graph.trainStep()).fetch(graph.logLoss()).run().close();
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (s > 0) {
          timed[s - 1] = seconds;
        }
        System.out.printf("step %d: %.3fs (%.0f samples/s)%n", s, seconds, batch / seconds);
        if (s == 0) {
          phase("after the first step");
        }
      }
      phase("after " + steps + " more steps");
      double median = Stats.median(timed);
      System.out.printf("after warm-up: mean %.3fs/step, median %.3fs/step, %.0f samples/s at the median%n",
          Stats.mean(timed), median, batch / median);
      if (json) {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("preset", preset);
        result.put("batch", batch);
        result.put("precision", bf16 ? "bfloat16" : "float32");
        result.put("micro_batches", microBatches);
        result.put("timed_steps", steps);
        result.put("median_step_seconds", median);
        result.put("samples_per_s", batch / median);
        result.put("peak_rss_mib", MachineInfo.peakResidentMib());
        System.out.println(ChildJvm.RESULT + new Gson().toJson(result));
      }
      if (noTrace) {
        return 0;
      }
      RunOptions trace = RunOptions.newBuilder().setTraceLevel(RunOptions.TraceLevel.FULL_TRACE).build();
      try (Result r = inputs.feed(session.runner()).feed(graph.learningRate(), lr)
          .addTarget(graph.trainStep()).setOptions(trace).runAndFetchMetadata()) {
        report(graph, r.getMetadata().orElseThrow());
      }
      phase("after the traced step");
    }
    return 0;
  }

  private void report(TrainingGraph graph, RunMetadata metadata) {
    StepStats stats = metadata.getStepStats();
    OpTimes.of(stats, node -> {
      GraphOperation op = graph.graph().operation(node.getNodeName());
      return op != null ? op.type() : OpTimes.labelledType(node);
    }).print(top);
    if (memory) {
      StepMemory step = StepMemory.of(stats);
      System.out.printf("-- TensorFlow kernels' allocations: %.1f MiB allocated in the step, peak %.1f MiB live at once "
          + "(%.3fs into the step); allocators' largest bytes in use %s%n", step.allocatedBytes() / MIB,
          step.peakBytes() / MIB, (step.peakMicros() - stats.getDevStats(0).getNodeStats(0).getAllStartMicros()) / 1e6,
          step.allocatorPeakBytes());
      printMib("live at the peak, by scope (train: the forward pass; gradients: the backward pass)",
          step.liveAtPeakBy(node -> node.contains("/") ? node.substring(0, node.indexOf('/')) : node));
      printMib("live at the peak, by op type", step.liveAtPeakBy(node -> typeOf(graph, node)));
      printMib("live at the peak, by op", step.liveAtPeakByNode());
    }
  }

  private static String typeOf(TrainingGraph graph, String node) {
    GraphOperation op = graph.graph().operation(node);
    return op != null ? op.type() : "(" + node + ")";
  }

  private void phase(String name) {
    if (!memory) {
      return;
    }
    Runtime jvm = Runtime.getRuntime();
    long direct = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
        .mapToLong(BufferPoolMXBean::getMemoryUsed).sum();
    System.out.printf("memory: %-45s RSS %,6d MiB, peak %,6d MiB; JVM heap used %,d of %,d MiB committed, direct "
        + "buffers %,d MiB%n", name, MachineInfo.residentMib(), MachineInfo.peakResidentMib(),
        (jvm.totalMemory() - jvm.freeMemory()) >> 20, jvm.totalMemory() >> 20, direct >> 20);
  }

  private void printMib(String title, Map<String, Long> bytes) {
    System.out.println("-- " + title);
    bytes.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(top)
        .forEach(e -> System.out.printf("%9.1f MiB  %s%n", e.getValue() / MIB, e.getKey()));
  }
}
