package io.dlf.dsl.compile;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import java.util.Random;
import java.util.function.UnaryOperator;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * The per-key-block attention equals a softmax per (query, key block) written out by hand, also with
 * blocks of different sizes padded to the largest and their padding masked as keys.
 */
class KeyBlockAttentionTest {
  private static final int BATCH = 2;
  private static final int HEADS = 2;
  private static final int DH = 3;
  private static final float SCALE = 0.5f;

  @ParameterizedTest
  @ValueSource(strings = {"2,2,2", "1,3,2", "4,1"})
  void equalsSoftmaxPerKeyBlock(String sizes) {
    long[] tokens = java.util.Arrays.stream(sizes.split(",")).mapToLong(Long::parseLong).toArray();
    int n = (int) LongStream.of(tokens).sum();
    Random random = new Random(11);
    float[] queries = random(random, BATCH * HEADS * n * DH, 2f);
    float[] keys = random(random, BATCH * HEADS * n * DH, 2f);
    float[] values = random(random, BATCH * HEADS * n * DH, 1f);
    float[] expected = byHand(logits(queries, keys, n), values, tokens);
    assertClose(expected, run(queries, keys, values, tokens), sizes);
  }

  /** The attention on the blocks padded to the largest, its output read back at the real queries. */
  private static float[] run(float[] queries, float[] keys, float[] values, long[] tokens) {
    int k = tokens.length;
    int n = (int) LongStream.of(tokens).sum();
    int largest = (int) LongStream.of(tokens).max().orElseThrow();
    int[] padded = paddedIndex(tokens, largest);
    float[][][] mask = new float[k][1][largest];
    for (int j = 0; j < k; j++) {
      java.util.Arrays.fill(mask[j][0], (int) tokens[j], largest, Attention.MASKED);
    }
    float[] scaled = queries.clone();
    for (int i = 0; i < scaled.length; i++) {
      scaled[i] *= SCALE;
    }
    try (Graph graph = new Graph(); Session session = new Session(graph)) {
      Ops tf = Ops.create(graph);
      Shape shape = Shape.of(BATCH, HEADS, (long) k * largest, DH);
      Operand<TFloat32> out = KeyBlockAttention.attend(tf, UnaryOperator.identity(),
          tf.constant(shape, DataBuffers.of(pad(scaled, padded, k * largest), true, false)),
          tf.constant(shape, DataBuffers.of(pad(keys, padded, k * largest), true, false)),
          tf.constant(shape, DataBuffers.of(pad(values, padded, k * largest), true, false)), k,
          Optional.of(tf.constant(mask)));
      try (Result result = session.runner().fetch(out).run()) {
        TFloat32 t = (TFloat32) result.get(0);
        assertEquals(Shape.of(BATCH, HEADS, k, (long) k * largest, DH), t.shape());
        float[] flat = new float[(int) t.shape().size()];
        t.asRawTensor().data().asFloats().read(flat);
        float[] real = new float[BATCH * HEADS * k * n * DH];
        for (int bhj = 0; bhj < BATCH * HEADS * k; bhj++) {
          for (int q = 0; q < n; q++) {
            System.arraycopy(flat, (bhj * k * largest + padded[q]) * DH, real, (bhj * n + q) * DH, DH);
          }
        }
        return real;
      }
    }
  }

  /** Where each real token lands when every block is padded to {@code largest} tokens. */
  private static int[] paddedIndex(long[] tokens, int largest) {
    int[] index = new int[(int) LongStream.of(tokens).sum()];
    int t = 0;
    for (int j = 0; j < tokens.length; j++) {
      for (int p = 0; p < tokens[j]; p++) {
        index[t++] = j * largest + p;
      }
    }
    return index;
  }

  /** {@code [B, heads, N, d_h]} to {@code [B, heads, paddedTokens, d_h]}, zeros in the padding. */
  private static float[] pad(float[] x, int[] padded, int paddedTokens) {
    int n = padded.length;
    float[] out = new float[BATCH * HEADS * paddedTokens * DH];
    for (int bh = 0; bh < BATCH * HEADS; bh++) {
      for (int t = 0; t < n; t++) {
        System.arraycopy(x, (bh * n + t) * DH, out, (bh * paddedTokens + padded[t]) * DH, DH);
      }
    }
    return out;
  }

  /** {@code logits[b, h, q, c] = SCALE * queries[b, h, q, :] . keys[b, h, c, :]}. */
  private static float[] logits(float[] queries, float[] keys, int n) {
    float[] logits = new float[BATCH * HEADS * n * n];
    for (int bh = 0; bh < BATCH * HEADS; bh++) {
      for (int q = 0; q < n; q++) {
        for (int c = 0; c < n; c++) {
          double dot = 0;
          for (int d = 0; d < DH; d++) {
            dot += queries[(bh * n + q) * DH + d] * keys[(bh * n + c) * DH + d];
          }
          logits[(bh * n + q) * n + c] = (float) (SCALE * dot);
        }
      }
    }
    return logits;
  }

  /** {@code out[b, h, j, q, :] = sum over keys c of block j of softmax_j(logits[b, h, q, c]) * values[b, h, c, :]}. */
  private static float[] byHand(float[] logits, float[] values, long[] tokens) {
    int n = (int) LongStream.of(tokens).sum();
    int k = tokens.length;
    float[] out = new float[BATCH * HEADS * k * n * DH];
    for (int bh = 0; bh < BATCH * HEADS; bh++) {
      for (int q = 0; q < n; q++) {
        int start = 0;
        for (int j = 0; j < k; j++) {
          int end = start + (int) tokens[j];
          double max = Double.NEGATIVE_INFINITY;
          for (int c = start; c < end; c++) {
            max = Math.max(max, logits[(bh * n + q) * n + c]);
          }
          double sum = 0;
          for (int c = start; c < end; c++) {
            sum += Math.exp(logits[(bh * n + q) * n + c] - max);
          }
          for (int c = start; c < end; c++) {
            double w = Math.exp(logits[(bh * n + q) * n + c] - max) / sum;
            for (int d = 0; d < DH; d++) {
              out[((bh * k + j) * n + q) * DH + d] += (float) (w * values[(bh * n + c) * DH + d]);
            }
          }
          start = end;
        }
      }
    }
    return out;
  }

  private static float[] random(Random random, int size, float scale) {
    float[] x = new float[size];
    for (int i = 0; i < size; i++) {
      x[i] = (float) random.nextGaussian() * scale;
    }
    return x;
  }

  private static void assertClose(float[] expected, float[] actual, String what) {
    assertEquals(expected.length, actual.length, what);
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], actual[i], 1e-5, what + " at " + i);
    }
  }
}
