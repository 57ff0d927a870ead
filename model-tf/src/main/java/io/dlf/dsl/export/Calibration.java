package io.dlf.dsl.export;

import io.dlf.dsl.compile.BatchTensors;
import io.dlf.dsl.compile.FieldLayout;
import io.dlf.dsl.encode.EncodedBatch;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.types.TFloat32;

/**
 * Runs calibration rows through a frozen graph's encoded inputs and measures the range of some of its
 * float tensors.
 *
 * @param rows the calibration examples
 * @param layout how the examples are fed
 * @param encodedInputs the graph's tensor for each encoded input name (the encoded signature's)
 * @param config the session's settings
 */
record Calibration(CalibrationRows rows, FieldLayout layout, Map<String, String> encodedInputs, ConfigProto config)
    implements ActivationRanges {
  /** Rows per run: the activations of a large model's few thousand rows would not all fit at once. */
  private static final int ROWS_PER_RUN = 512;

  /** The smallest and largest value a tensor took. */
  record Range(float min, float max) {
    Range including(Range other) {
      return new Range(Math.min(min, other.min), Math.max(max, other.max));
    }
  }

  /** Each of {@code tensors}' ranges over every calibration row. */
  @Override
  public Map<String, Range> rangesOf(GraphDef frozen, List<String> tensors) {
    if (rows.isEmpty()) {
      throw new IllegalArgumentException("no calibration rows to measure the ranges of " + tensors.size() + " tensors");
    }
    Map<String, Range> ranges = new LinkedHashMap<>();
    try (Graph graph = FrozenGraph.imported(frozen); Session session = new Session(graph, config)) {
      Ops tf = Ops.create(graph).withSubScope("calibration");
      List<Operand<TFloat32>> extremes = new ArrayList<>();
      for (String tensor : tensors) {
        Operand<TFloat32> flat = tf.reshape(graph.outputOrThrow(tensor).expect(TFloat32.class),
            tf.constant(new int[] {-1}));
        extremes.add(tf.min(flat, tf.constant(0)));
        extremes.add(tf.max(flat, tf.constant(0)));
      }
      EncodedBatch all = rows.rows();
      for (int from = 0; from < all.size(); from += ROWS_PER_RUN) {
        try (BatchTensors feeds = new BatchTensors(layout, all.rows(from, Math.min(all.size(), from + ROWS_PER_RUN)))) {
          Session.Runner runner = feeds.feed(session.runner(), encodedInputs);
          extremes.forEach(runner::fetch);
          try (Result values = runner.run()) {
            for (int i = 0; i < tensors.size(); i++) {
              float min = ((TFloat32) values.get(2 * i)).getFloat();
              float max = ((TFloat32) values.get(2 * i + 1)).getFloat();
              ranges.merge(tensors.get(i), new Range(min, max), Range::including);
            }
          }
        }
      }
    }
    return ranges;
  }
}
