package io.dlf.bench;

import io.dlf.dsl.compile.SessionConfigs;
import java.util.Random;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.linalg.MatMul;
import org.tensorflow.types.TFloat32;

/**
 * The machine's float32 matrix-product speed as TensorFlow reaches it: the median GFLOP/s of a
 * square MatMul ({@code 2 n^3} flops) on the given intra-op threads, after two warm-up products.
 */
final class MachineGemm {
  private static final int WARM_UP = 2;

  private MachineGemm() {}

  static double float32Gflops(int n, int threads, int repeats) {
    Random random = new Random(3);
    float[] values = new float[n * n];
    for (int i = 0; i < values.length; i++) {
      values[i] = random.nextFloat() - 0.5f;
    }
    // fed, not a constant: TensorFlow would fold a product of constants once, before the first run
    try (Graph graph = new Graph(); Session session = new Session(graph, SessionConfigs.threads(threads, 1));
        TFloat32 matrix = TFloat32.tensorOf(Shape.of(n, n), DataBuffers.of(values, true, false))) {
      Ops tf = Ops.create(graph);
      Placeholder<TFloat32> a = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(n, n)));
      Operand<TFloat32> product = tf.linalg.matMul(a, a, MatMul.transposeB(true));
      double[] seconds = new double[repeats];
      for (int r = -WARM_UP; r < repeats; r++) {
        long t0 = System.nanoTime();
        session.runner().feed(a, matrix).addTarget(product).run();
        if (r >= 0) {
          seconds[r] = (System.nanoTime() - t0) / 1e9;
        }
      }
      return 2.0 * n * n * n / Stats.median(seconds) / 1e9;
    }
  }
}
