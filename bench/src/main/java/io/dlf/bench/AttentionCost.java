package io.dlf.bench;

import io.dlf.dsl.compile.KeyBlockAttention;
import io.dlf.dsl.compile.SessionConfigs;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.function.UnaryOperator;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Gradients;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TFloat32;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * What NAF's attention alone costs a training step: the model's own block attention
 * ({@link KeyBlockAttention}: scores, per-block softmax, weighted values) forward and backward at the
 * paper form's shapes, float32 and with oneDNN's bfloat16 rewrite, beside a square float32 GEMM in
 * the same run. Every sample of dlf-paper passes this core once per NAF sub-layer, so
 * {@code batch / (sub-layers x step time)} bounds the paper form's samples/s from above whatever the
 * rest of the model costs. TensorFlow reads {@code TF_XLA_FLAGS} itself (e.g. {@code --tf_xla_auto_jit=2
 * --tf_xla_cpu_global_jit} compiles the whole graph with XLA); the report names the flags and gets a
 * file of its own.
 */
@Command(name = "attention-cost", mixinStandardHelpOptions = true)
public final class AttentionCost implements Callable<Integer> {
  @Option(names = "--batch", defaultValue = "4096", description = "the quality runs' batch") int batch;
  @Option(names = "--heads", defaultValue = "2") int heads;
  @Option(names = "--blocks", defaultValue = "3", description = "blocks fused (L, C, D)") int blocks;
  @Option(names = "--tokens", defaultValue = "32", description = "tokens per block") int tokens;
  @Option(names = "--head-dim", defaultValue = "32", description = "d_a / heads") int headDim;
  @Option(names = "--sublayers", defaultValue = "6", description = "NAF sub-layers a sample passes: "
      + "layers x sub-layers per NAF (dlf-paper: 3 x 2)") int sublayers;
  @Option(names = "--threads", defaultValue = "2") int threads;
  @Option(names = "--steps", defaultValue = "10") int steps;
  @Option(names = "--rounds", defaultValue = "3") int rounds;
  @Option(names = "--results", defaultValue = "bench/results") Path results;

  public static void main(String[] args) {
    System.exit(new CommandLine(new AttentionCost()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    double[] float32 = new double[rounds];
    double[] bfloat16 = new double[rounds];
    double[] gemm = new double[rounds];
    float[] inputs = randomInputs();
    for (int r = 0; r < rounds; r++) {
      float32[r] = stepSeconds(SessionConfigs.threads(threads, 1), inputs);
      bfloat16[r] = stepSeconds(SessionConfigs.bfloat16(threads, 1), inputs);
      gemm[r] = MachineGemm.float32Gflops(2048, threads, 5);
      System.out.printf("round %d: float32 %.1f ms, bfloat16 %.1f ms, GEMM %.0f GFLOP/s%n", r + 1, float32[r] * 1e3,
          bfloat16[r] * 1e3, gemm[r]);
    }
    String report = report(Stats.median(float32), Stats.median(bfloat16), Stats.median(gemm));
    System.out.print(report);
    String suffix = xlaFlags().isEmpty() ? "" : "-xla";
    Reports.writeReport(results.resolve("attention-cost-" + Reports.today() + suffix + ".md"), report);
    return 0;
  }

  private long tokensPerSample() {
    return (long) blocks * tokens;
  }

  /** One batch of random values, fed as the queries, the keys and the values alike. */
  private float[] randomInputs() {
    float[] data = new float[Math.toIntExact((long) batch * heads * tokensPerSample() * headDim)];
    Random random = new Random(5);
    for (int i = 0; i < data.length; i++) {
      data[i] = (float) random.nextGaussian();
    }
    return data;
  }

  /** Median seconds of a forward and backward pass through the attention core, after warm-up steps. */
  private double stepSeconds(ConfigProto config, float[] inputs) {
    Shape shape = Shape.of(batch, heads, tokensPerSample(), headDim);
    try (Graph graph = new Graph(); Session session = new Session(graph, config);
        TFloat32 fed = TFloat32.tensorOf(shape, DataBuffers.of(inputs, true, false))) {
      Ops tf = Ops.create(graph);
      Shape perBatch = Shape.of(-1, heads, tokensPerSample(), headDim);
      Placeholder<TFloat32> queries = tf.placeholder(TFloat32.class, Placeholder.shape(perBatch));
      Placeholder<TFloat32> keys = tf.placeholder(TFloat32.class, Placeholder.shape(perBatch));
      Placeholder<TFloat32> values = tf.placeholder(TFloat32.class, Placeholder.shape(perBatch));
      Operand<TFloat32> attended = KeyBlockAttention.attend(tf, UnaryOperator.identity(), queries, keys, values,
          blocks, Optional.empty());
      // a loss that weighs every output, so the backward pass carries a gradient of the output's full size
      Operand<TFloat32> loss = tf.reduceSum(tf.math.square(attended), tf.constant(new int[] {0, 1, 2, 3, 4}));
      Gradients gradients = tf.gradients(loss, List.of(queries, keys, values));
      double[] seconds = new double[steps];
      for (int s = -2; s < steps; s++) {
        long start = System.nanoTime();
        // fetched, not only targeted: an XLA cluster's outputs that nothing fetches may never be computed
        session.runner().feed(queries, fed).feed(keys, fed).feed(values, fed)
            .fetch(gradients.dy(0)).fetch(gradients.dy(1)).fetch(gradients.dy(2)).run().close();
        if (s >= 0) {
          seconds[s] = (System.nanoTime() - start) / 1e9;
        }
      }
      return Stats.median(seconds);
    }
  }

  private static String xlaFlags() {
    return System.getenv().getOrDefault("TF_XLA_FLAGS", "");
  }

  private String report(double float32, double bfloat16, double gemmGflops) {
    long tokensPerSample = tokensPerSample();
    // two products (scores, weighted values) of 2 x queries x keys-per-block x d_h flops per head and
    // key block; the backward pass costs twice the forward
    double flopsPerSample = 3.0 * 2 * 2 * heads * blocks * tokensPerSample * tokens * headDim;
    double gflops = flopsPerSample * batch / float32 / 1e9;
    StringBuilder out = new StringBuilder();
    out.append("# NAF's attention core, forward and backward (").append(Reports.today()).append(")\n\n");
    out.append(String.format("`%sbench/attention-cost.sh --batch %d --heads %d --blocks %d --tokens %d --head-dim %d "
        + "--sublayers %d --threads %d --steps %d --rounds %d` on %s.%n%n",
        xlaFlags().isEmpty() ? "" : "TF_XLA_FLAGS='" + xlaFlags() + "' ", batch, heads, blocks, tokens, headDim,
        sublayers, threads, steps, rounds, MachineInfo.describe()));
    out.append(String.format("The model's block attention (`KeyBlockAttention`) on random queries, keys and values "
        + "of %d samples x %d heads x %d tokens (%d blocks of %d) x %d, the gradients of all three taken; %d "
        + "threads; medians of %d rounds of %d steps, float32, bfloat16 and a float32 2048² GEMM taking turns.%n%n",
        batch, heads, tokensPerSample, blocks, tokens, headDim, threads, rounds, steps));
    out.append("| | float32 | bfloat16 (oneDNN rewrite) |\n|---|---|---|\n");
    out.append(String.format("| one pass, forward + backward | %.1f ms | %.1f ms |%n", float32 * 1e3, bfloat16 * 1e3));
    out.append(String.format("| per sample | %.3f ms | %.3f ms |%n", float32 * 1e3 / batch, bfloat16 * 1e3 / batch));
    out.append(String.format("| x %d sub-layers: ceiling on the paper form's samples/s | %,.0f | %,.0f |%n%n",
        sublayers, batch / (sublayers * float32), batch / (sublayers * bfloat16)));
    out.append(String.format("%.2f MFLOP per sample per pass; float32 reaches %.0f GFLOP/s, %.0f%% of the GEMM's "
        + "%.0f GFLOP/s in the same run.%n", flopsPerSample / 1e6, gflops, 100 * gflops / gemmGflops, gemmGflops));
    return out.toString();
  }
}
