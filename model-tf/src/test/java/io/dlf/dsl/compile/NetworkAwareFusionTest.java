package io.dlf.dsl.compile;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.dlf.dsl.plan.BlockPlan;
import io.dlf.dsl.plan.BlockRole;
import io.dlf.dsl.plan.StreamPlan;
import io.dlf.dsl.spec.Fusion;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * The compiled NAF, with its stacked blocks and folded fusion kernels, equals paper eqs. 10-15
 * (dlf-model-reference §5.1) written out block by block with the same weights: per block i,
 * {@code H_i = W_F [W_C [A_ij]_{j != i} + b_C; A_ii] + b_F}, where {@code A_ij} is the multi-head
 * attention of i's queries over block j's keys and values.
 */
class NetworkAwareFusionTest {
  private static final int BATCH = 2;
  private static final int DIM = 5;

  static Stream<Arguments> layouts() {
    List<BlockRole> three = List.of(BlockRole.HIGH_RANK, BlockRole.LOW_RANK, BlockRole.IMPLICIT);
    return Stream.of(
        Arguments.of(three, new int[] {3, 3, 3}, Fusion.naf().heads(2).attentionDim(4)),
        Arguments.of(three, new int[] {2, 3, 1}, Fusion.naf().heads(2).attentionDim(4)),
        Arguments.of(List.of(BlockRole.HIGH_RANK, BlockRole.IMPLICIT), new int[] {2, 2},
            Fusion.naf().heads(1).attentionDim(3).sublayers(1).keepBlockOutputs(false)));
  }

  @ParameterizedTest
  @MethodSource("layouts")
  void equalsThePerBlockEquations(List<BlockRole> roles, int[] tokens, Fusion fusion) {
    List<BlockPlan> blocks = new ArrayList<>();
    for (int b = 0; b < roles.size(); b++) {
      blocks.add(new BlockPlan(roles.get(b), tokens[b], tokens[b], false));
    }
    int total = IntStream.of(tokens).sum();
    StreamPlan stream = new StreamPlan(StreamPlan.MAIN, total, blocks, total, total, false);
    Random random = new Random(5);
    List<float[]> inputs = new ArrayList<>();
    for (int token : tokens) {
      inputs.add(random(random, BATCH * DIM * token));
    }
    try (Graph graph = new Graph(); Session session = new Session(graph)) {
      Ops tf = Ops.create(graph);
      Parameters params = new Parameters(tf, 3L);
      Layers at = Layers.tower(tf, params, new TowerState(false, 0f, 3L)).at("naf");
      List<Operand<TFloat32>> outputs = new ArrayList<>();
      for (int b = 0; b < tokens.length; b++) {
        outputs.add(tf.constant(Shape.of(BATCH, DIM, tokens[b]), DataBuffers.of(inputs.get(b), true, false)));
      }
      Operand<TFloat32> fused = NetworkAwareFusion.fuse(at, fusion, stream, outputs, DIM);
      session.initialize();
      Map<String, float[]> weights = randomBiases(tf, session, params, random);
      float[] expected = byHand(roles, tokens, fusion, inputs, weights);
      try (Result result = session.runner().fetch(fused).run()) {
        TFloat32 out = (TFloat32) result.get(0);
        int outTokens = fusion.keepBlockOutputs() ? 2 * total : total;
        assertEquals(Shape.of(BATCH, DIM, outTokens), out.shape());
        float[] actual = new float[expected.length];
        out.asRawTensor().data().asFloats().read(actual);
        for (int i = 0; i < expected.length; i++) {
          assertEquals(expected[i], actual[i], 1e-4, "output " + i);
        }
      }
    }
  }

  /** Gives every bias a random value (a zero bias would hide one in the wrong place); returns all weights by name. */
  private static Map<String, float[]> randomBiases(Ops tf, Session session, Parameters params, Random random) {
    Session.Runner assign = session.runner();
    for (Parameters.Parameter p : params.trainable()) {
      if (p.name().endsWith(".b")) {
        assign.addTarget(tf.assign(p.variable(), tf.constant(p.shape(), DataBuffers.of(
            random(random, (int) p.shape().size()), true, false))));
      }
    }
    assign.run();
    Map<String, float[]> values = new HashMap<>();
    for (Parameters.Parameter p : params.trainable()) {
      try (Result result = session.runner().fetch(p.variable()).run()) {
        float[] value = new float[(int) p.shape().size()];
        ((TFloat32) result.get(0)).asRawTensor().data().asFloats().read(value);
        values.put(p.name(), value);
      }
    }
    return values;
  }

  /** Eqs. 10-15 per example and block, in doubles; the result is dim-major {@code [B, D, tokens]}. */
  private static float[] byHand(List<BlockRole> roles, int[] tokens, Fusion fusion, List<float[]> inputs,
      Map<String, float[]> w) {
    int k = tokens.length;
    int da = fusion.attentionDim();
    int total = IntStream.of(tokens).sum();
    int outTokens = fusion.keepBlockOutputs() ? 2 * total : total;
    float[] out = new float[BATCH * DIM * outTokens];
    for (int b = 0; b < BATCH; b++) {
      double[][][] original = new double[k][][];
      for (int i = 0; i < k; i++) {
        original[i] = new double[tokens[i]][DIM];
        for (int t = 0; t < tokens[i]; t++) {
          for (int d = 0; d < DIM; d++) {
            original[i][t][d] = inputs.get(i)[(b * DIM + d) * tokens[i] + t];
          }
        }
      }
      double[][][] h = original;
      for (int s = 0; s < fusion.sublayers(); s++) {
        double[][][] q = new double[k][][];
        double[][][] key = new double[k][][];
        double[][][] v = new double[k][][];
        for (int i = 0; i < k; i++) {
          String name = "naf.s" + s + "." + roles.get(i).pathName();
          q[i] = times(h[i], w.get(name + ".q"), da);
          key[i] = times(h[i], w.get(name + ".k"), da);
          v[i] = times(h[i], w.get(name + ".v"), da);
        }
        double[][][] next = new double[k][][];
        for (int i = 0; i < k; i++) {
          String name = "naf.s" + s + "." + roles.get(i).pathName();
          next[i] = new double[tokens[i]][];
          for (int t = 0; t < tokens[i]; t++) {
            double[] cross = new double[(k - 1) * da];
            int slot = 0;
            for (int j = 0; j < k; j++) {
              if (j != i) {
                System.arraycopy(attend(q[i][t], key[j], v[j], fusion.heads()), 0, cross, slot++ * da, da);
              }
            }
            double[] merged = dense(cross, w.get(name + ".cross.w"), w.get(name + ".cross.b"));
            double[] joined = new double[DIM + da];
            System.arraycopy(merged, 0, joined, 0, DIM);
            System.arraycopy(attend(q[i][t], key[i], v[i], fusion.heads()), 0, joined, DIM, da);
            next[i][t] = dense(joined, w.get(name + ".fuse.w"), w.get(name + ".fuse.b"));
          }
        }
        h = next;
      }
      List<double[]> sequence = new ArrayList<>();
      Stream.of(h).forEach(block -> sequence.addAll(List.of(block)));
      if (fusion.keepBlockOutputs()) {
        Stream.of(original).forEach(block -> sequence.addAll(List.of(block)));
      }
      for (int t = 0; t < outTokens; t++) {
        for (int d = 0; d < DIM; d++) {
          out[(b * DIM + d) * outTokens + t] = (float) sequence.get(t)[d];
        }
      }
    }
    return out;
  }

  /** Multi-head scaled dot-product attention of one query over one block's keys; heads side by side. */
  private static double[] attend(double[] query, double[][] keys, double[][] values, int heads) {
    int dh = query.length / heads;
    double[] out = new double[query.length];
    for (int head = 0; head < heads; head++) {
      double[] logits = new double[keys.length];
      double max = Double.NEGATIVE_INFINITY;
      for (int c = 0; c < keys.length; c++) {
        for (int e = head * dh; e < (head + 1) * dh; e++) {
          logits[c] += query[e] * keys[c][e] / Math.sqrt(dh);
        }
        max = Math.max(max, logits[c]);
      }
      double sum = 0;
      for (int c = 0; c < keys.length; c++) {
        logits[c] = Math.exp(logits[c] - max);
        sum += logits[c];
      }
      for (int c = 0; c < keys.length; c++) {
        for (int e = head * dh; e < (head + 1) * dh; e++) {
          out[e] += logits[c] / sum * values[c][e];
        }
      }
    }
    return out;
  }

  /** Every row of x times the row-major kernel {@code [x columns, width]}. */
  private static double[][] times(double[][] x, float[] kernel, int width) {
    double[][] out = new double[x.length][];
    for (int t = 0; t < x.length; t++) {
      out[t] = dense(x[t], kernel, new float[width]);
    }
    return out;
  }

  private static double[] dense(double[] x, float[] kernel, float[] bias) {
    double[] out = new double[bias.length];
    for (int o = 0; o < bias.length; o++) {
      out[o] = bias[o];
      for (int i = 0; i < x.length; i++) {
        out[o] += x[i] * kernel[i * bias.length + o];
      }
    }
    return out;
  }

  private static float[] random(Random random, int size) {
    float[] x = new float[size];
    for (int i = 0; i < size; i++) {
      x[i] = (float) random.nextGaussian();
    }
    return x;
  }
}
