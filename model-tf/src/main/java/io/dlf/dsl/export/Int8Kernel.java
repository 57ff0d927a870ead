package io.dlf.dsl.export;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.exceptions.TensorFlowException;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.StdArrays;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.types.TFloat32;

/**
 * Whether this process's TensorFlow runs the int8 product that INT8 versions are made of. Its oneDNN
 * kernel gives no output on some CPUs (on an AVX2-only EPYC: "Missing 0-th output from ..."), so
 * one product is rewritten as {@link Int8Products} rewrites a model's, run once per process, and
 * compared with its float32 value.
 */
public final class Int8Kernel {
  /** Inputs and outputs of the probe's product: its weight is as large as the smallest one rewritten. */
  private static final int SIZE = 128;

  private Int8Kernel() {}

  /** Why INT8 versions cannot be made or served here; empty when the int8 product runs and is right. */
  public static Optional<String> refusal() {
    return Probe.REFUSAL;
  }

  private static final class Probe {
    static final Optional<String> REFUSAL = run();
  }

  private static Optional<String> run() {
    float[] row = new float[SIZE];
    float[][] weight = new float[SIZE][SIZE];
    for (int i = 0; i < SIZE; i++) {
      row[i] = (i % 10) / 10f;
      for (int o = 0; o < SIZE; o++) {
        weight[i][o] = ((i * 31 + o * 17) % 21 - 10) / 10f;
      }
    }
    ConfigProto config = ConfigProto.newBuilder().setIntraOpParallelismThreads(1).setInterOpParallelismThreads(1)
        .build();
    float[] product;
    try {
      product = int8Product(row, weight, config);
    } catch (TensorFlowException e) {
      return Optional.of("TensorFlow's int8 product (oneDNN's QuantizedMatMulWithBiasAndDequantize) does not run on "
          + "this CPU: " + e.getMessage());
    }
    for (int o = 0; o < SIZE; o++) {
      double exact = 0;
      // each term is off by at most half a quantization step of its activation and of its weight
      double bound = 1e-3;
      for (int i = 0; i < SIZE; i++) {
        exact += row[i] * weight[i][o];
        bound += Math.abs(weight[i][o]) / 510 + Math.abs(row[i]) / 254;
      }
      if (Math.abs(product[o] - exact) > bound) {
        return Optional.of("TensorFlow's int8 product gives wrong values on this CPU: output " + o + " is "
            + product[o] + " where float32 gives " + exact);
      }
    }
    return Optional.empty();
  }

  private static float[] int8Product(float[] row, float[][] weight, ConfigProto config) {
    GraphDef def;
    try (Graph graph = new Graph()) {
      Ops tf = Ops.create(graph);
      Placeholder<TFloat32> input = tf.withName("input").placeholder(TFloat32.class,
          Placeholder.shape(Shape.of(-1, SIZE)));
      tf.withName("output").linalg.matMul(input, tf.constant(weight));
      def = graph.toGraphDef();
    }
    ActivationRanges ranges = (frozen, tensors) -> Map.of(tensors.get(0), new Calibration.Range(0f, 1f));
    GraphDef int8 = Int8Products.rewrite(def, List.of("input", "output"), config, ranges);
    try (Graph graph = FrozenGraph.imported(int8); Session session = new Session(graph, config);
        TFloat32 feed = TFloat32.tensorOf(StdArrays.ndCopyOf(new float[][] {row}));
        Result result = session.runner().feed("input", feed).fetch("output").run()) {
      TFloat32 output = (TFloat32) result.get(0);
      float[] values = new float[SIZE];
      for (int o = 0; o < SIZE; o++) {
        values[o] = output.getFloat(0, o);
      }
      return values;
    }
  }
}
