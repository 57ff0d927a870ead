package io.dlf.bench;

import com.google.gson.Gson;
import io.dlf.trainer.job.CpuFeatures;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The step figures of issue 21's training targets, measured in one run: per round, the machine's
 * float32 GEMM speed ({@link MachineGemm}, in this JVM), then each configuration's timed steps on
 * random Frappe-shaped batches ({@link ProfileStep}) in a fresh JVM, so that every peak RSS (VmHWM) is
 * its own. Rounds take turns over the configurations; a configuration's figure is the median over
 * rounds of its median step.
 */
final class StepRuns {
  /** The count of a reference-preset training sample's cost, forward and backward. */
  static final double REFERENCE_MFLOP_PER_SAMPLE = 87;
  private static final int GEMM_SIZE = 2048;
  private static final int GEMM_REPEATS = 10;
  private static final int THREADS = 2;

  /** One timed configuration; {@code key} prefixes its figures in training.json. */
  record Config(String key, String preset, int batch, boolean bfloat16, int microBatches, String label) {}

  static final List<Config> CONFIGS = List.of(
      new Config("f32_b10000", "dlf-reference", 10_000, false, 1, "reference preset, float32, batch 10,000"),
      new Config("bf16_b4096", "dlf-reference", 4_096, true, 1, "reference preset, bfloat16, batch 4,096"),
      new Config("paper_d64_bf16_b4096", "dlf-paper", 4_096, true, 1, "dlf-paper at D = 64, bfloat16, batch 4,096"),
      new Config("f32_b10000_micro_batches_2", "dlf-reference", 10_000, false, 2,
          "reference preset, float32, batch 10,000 in 2 micro-batches"),
      // 4 parts of 1,024 rows: in 2 the paper form still peaked at 6.1-6.2 GB (2026-12-07)
      new Config("paper_d64_bf16_b4096_micro_batches_4", "dlf-paper", 4_096, true, 4,
          "dlf-paper at D = 64, bfloat16, batch 4,096 in 4 micro-batches"));

  /** A configuration's result in one round. */
  record Sample(double samplesPerSecond, long peakRssMib) {}

  /**
   * One run's results.
   *
   * @param bfloat16Instructions whether the CPU has them: without, TensorFlow emulates the bfloat16 products
   */
  record Report(List<Double> gemmGflops, Map<Config, List<Sample>> samples, double loadBefore, double loadAfter,
      int steps, boolean bfloat16Instructions) {

    double gemm() {
      return Stats.median(gemmGflops.stream().mapToDouble(Double::doubleValue).toArray());
    }

    double samplesPerSecond(Config config) {
      return Stats.median(samples.get(config).stream().mapToDouble(Sample::samplesPerSecond).toArray());
    }

    long peakRssMib(Config config) {
      return samples.get(config).stream().mapToLong(Sample::peakRssMib).max().orElse(-1);
    }

    /** The reference preset's float32 speed as a share of the GEMM speed, at the flops per sample. */
    double f32ShareOfGemm() {
      return samplesPerSecond(CONFIGS.get(0)) * REFERENCE_MFLOP_PER_SAMPLE / 1e3 / gemm();
    }

    Map<String, Object> figures() {
      Map<String, Object> figures = new LinkedHashMap<>();
      figures.put("steps_date", Reports.today());
      figures.put("steps_command", "bench/training-benchmark.sh (StepRuns: " + samples.get(CONFIGS.get(0)).size()
          + " rounds x " + steps + " timed steps, random Frappe-shaped batches, 2 intra-op and 2 inter-op threads)");
      figures.put("load_average_before_after", List.of(loadBefore, loadAfter));
      figures.put("cpu_bfloat16_instructions", bfloat16Instructions);
      figures.put("machine_f32_gflops", gemm());
      figures.put("f32_b10000_samples_per_s", samplesPerSecond(CONFIGS.get(0)));
      figures.put("f32_b10000_share_of_machine_f32_gflops", f32ShareOfGemm());
      figures.put("bf16_b4096_samples_per_s", samplesPerSecond(CONFIGS.get(1)));
      figures.put("peak_rss_mb_b10000", peakRssMib(CONFIGS.get(0)));
      figures.put("bf16_b4096_peak_rss_mb", peakRssMib(CONFIGS.get(1)));
      figures.put("paper_d64_bf16_b4096_samples_per_s", samplesPerSecond(CONFIGS.get(2)));
      figures.put("paper_d64_bf16_b4096_peak_rss_mb", peakRssMib(CONFIGS.get(2)));
      for (Config micro : CONFIGS.subList(3, CONFIGS.size())) {
        figures.put(micro.key() + "_samples_per_s", samplesPerSecond(micro));
        figures.put(micro.key() + "_peak_rss_mb", peakRssMib(micro));
      }
      Map<String, Object> rounds = new LinkedHashMap<>();
      rounds.put("machine_f32_gflops", gemmGflops);
      samples.forEach((config, list) -> rounds.put(config.key(), list));
      figures.put("step_rounds", rounds);
      return figures;
    }

    String markdown() {
      StringBuilder md = new StringBuilder("## Training steps (issue 21's targets)\n\n");
      md.append(String.format("- Method: `ProfileStep` in a fresh JVM per configuration and round, %d rounds taking "
          + "turns, %d timed steps each after one warm-up step, on random Frappe-shaped batches; figure = median over "
          + "rounds of each round's median step; peak RSS = the largest VmHWM over rounds. GEMM: float32 MatMul "
          + "%d x %d on %d threads, median of %d, once per round.%n", samples.get(CONFIGS.get(0)).size(), steps,
          GEMM_SIZE, GEMM_SIZE, THREADS, GEMM_REPEATS));
      md.append(String.format("- Load average (1 min) before and after: %.2f, %.2f. The machine is shared: compare "
          + "figures of one run.%n", loadBefore, loadAfter));
      md.append(bfloat16Instructions ? "- The CPU has bfloat16 instructions (avx512_bf16 or amx_bf16).\n\n"
          : "- **The CPU has no bfloat16 instructions** (avx512_bf16/amx_bf16 absent): the bfloat16 rows ran on "
              + "TensorFlow's emulation, much slower than on a CPU with them, and the trainer refuses BFLOAT16 jobs "
              + "here. Compare them with no run on another CPU.\n\n");
      md.append("| configuration | samples/s per round | median samples/s | peak RSS (MiB) |\n|---|---|---|---|\n");
      for (Config config : CONFIGS) {
        md.append(String.format("| %s | %s | %,.0f | %,d |%n", config.label(), String.join(", ", samples.get(config)
            .stream().map(s -> String.format("%,.0f", s.samplesPerSecond())).toList()), samplesPerSecond(config),
            peakRssMib(config)));
      }
      md.append(String.format("%nMachine float32 GEMM: %.1f GFLOP/s (rounds: %s). At the issue's %.0f MFLOP per "
          + "reference-preset sample, float32 at batch 10,000 runs at %.0f%% of it.%n%n", gemm(),
          String.join(", ", gemmGflops.stream().map(g -> String.format("%.1f", g)).toList()),
          REFERENCE_MFLOP_PER_SAMPLE, 100 * f32ShareOfGemm()));
      md.append("| target | measured | met |\n|---|---|---|\n");
      target(md, "reference f32, batch 10,000: >= 1,600 samples/s", samplesPerSecond(CONFIGS.get(0)), 1_600, true);
      target(md, "reference f32, batch 10,000: >= 85% of the GEMM speed", 100 * f32ShareOfGemm(), 85, true);
      target(md, "reference bf16, batch 4,096: >= 2,450 samples/s", samplesPerSecond(CONFIGS.get(1)), 2_450, true);
      target(md, "peak RSS at batch 10,000 (f32): <= 4,200 MB", peakRssMib(CONFIGS.get(0)), 4_200, false);
      target(md, "dlf-paper D=64 bf16, batch 4,096: >= 800 samples/s", samplesPerSecond(CONFIGS.get(2)), 800, true);
      target(md, "dlf-paper D=64 bf16, batch 4,096: peak RSS <= 6,000 MB", peakRssMib(CONFIGS.get(2)), 6_000, false);
      Config referenceParts = CONFIGS.get(3);
      Config paperParts = CONFIGS.get(4);
      target(md, "the same in " + referenceParts.microBatches() + " micro-batches: peak RSS at batch 10,000 (f32) "
          + "<= 4,200 MB", peakRssMib(referenceParts), 4_200, false);
      target(md, "the same in " + paperParts.microBatches() + " micro-batches: dlf-paper D=64 bf16, batch 4,096: "
          + "peak RSS <= 6,000 MB", peakRssMib(paperParts), 6_000, false);
      target(md, "the same in " + paperParts.microBatches() + " micro-batches: dlf-paper D=64 bf16, batch 4,096: "
          + ">= 800 samples/s", samplesPerSecond(paperParts), 800, true);
      return md.append('\n').toString();
    }

    private static void target(StringBuilder md, String target, double measured, double bound, boolean atLeast) {
      boolean met = atLeast ? measured >= bound : measured <= bound;
      md.append(String.format("| %s | %,.0f | %s |%n", target, measured, met ? "yes" : "no"));
    }
  }

  private StepRuns() {}

  static Report measure(int rounds, int steps) throws Exception {
    double loadBefore = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    List<Double> gemm = new ArrayList<>();
    Map<Config, List<Sample>> samples = new LinkedHashMap<>();
    CONFIGS.forEach(c -> samples.put(c, new ArrayList<>()));
    for (int round = 1; round <= rounds; round++) {
      gemm.add(MachineGemm.float32Gflops(GEMM_SIZE, THREADS, GEMM_REPEATS));
      System.out.printf("round %d: float32 GEMM %.1f GFLOP/s%n", round, gemm.get(gemm.size() - 1));
      for (Config config : CONFIGS) {
        List<String> args = new ArrayList<>(List.of("--preset", config.preset(), "--batch",
            Integer.toString(config.batch()), "--steps", Integer.toString(steps), "--intra", Integer.toString(THREADS),
            "--inter", Integer.toString(THREADS), "--json", "--no-trace"));
        if (config.bfloat16()) {
          args.add("--bf16");
        }
        args.addAll(List.of("--micro-batches", Integer.toString(config.microBatches())));
        Map<?, ?> result = new Gson().fromJson(ChildJvm.run(ProfileStep.class, args), Map.class);
        Sample sample = new Sample(((Number) result.get("samples_per_s")).doubleValue(),
            ((Number) result.get("peak_rss_mib")).longValue());
        samples.get(config).add(sample);
        System.out.printf("round %d: %s: %.0f samples/s, peak RSS %,d MiB%n", round, config.label(),
            sample.samplesPerSecond(), sample.peakRssMib());
      }
    }
    return new Report(gemm, samples, loadBefore, ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
        steps, CpuFeatures.ofThisMachine().hasBfloat16());
  }
}
