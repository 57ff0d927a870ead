package io.dlf.dsl.export;

import java.util.List;
import java.util.Map;
import org.tensorflow.proto.GraphDef;

/** The range each of a frozen graph's float tensors is quantized over (an int8 product's activations). */
@FunctionalInterface
interface ActivationRanges {
  Map<String, Calibration.Range> rangesOf(GraphDef frozen, List<String> tensors);
}
