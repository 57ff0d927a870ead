package io.dlf.dsl.export;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.TensorProto;
import org.tensorflow.proto.TensorShapeProto;
import org.tensorflow.types.TFloat32;

/**
 * Rewrites a frozen inference graph ({@link FrozenGraph#def}) so that its large matrix products by
 * weights run in int8 through oneDNN's quantized product. Each weight is stored as int8 with one
 * scale per output column (its largest magnitude maps to 127). Each product's activations get a
 * fixed range, the one they took over calibration rows ({@link CalibrationRows}): per call they are
 * shifted by that range's minimum so that they are non-negative, quantized to 8 bits over its width
 * (values outside it are clipped), and multiplied in int8 with int32 accumulation; the shift's
 * contribution ({@code min × column sums of the weight}) comes back as the product's bias, and the
 * result is scaled per column under the product's old name.
 *
 * <p>Fixed ranges matter for speed as well as for consistency: TensorFlow keys its cache of oneDNN
 * product primitives on the output scale, which a range measured per call changes with every new
 * request, so each call built its primitives again (a batch-1 call of the reference preset took
 * 1.9-4.7 ms over 256 distinct requests against 1.1-1.5 ms over 4, with another job on the machine;
 * 0.9-1.0 ms over either with fixed ranges). A batch-1 call reads a quarter of the weights' float32
 * bytes: served, that preset's p50 is 2.1 ms against float32's 3.3
 * (bench/results/serving-precision-2026-12-07.md). Only products whose weight holds at least
 * {@link #MIN_WEIGHTS} values are rewritten: the quantizing ops cost a few microseconds each call,
 * more than a small product's saved bytes (rewriting all 26 of that preset's products made its call
 * about 1 ms slower). Batched products, activation-by-activation products, embeddings and biases
 * stay float32.
 */
final class Int8Products {
  /** 64 KiB of float32 weights. */
  static final long MIN_WEIGHTS = 16_384;
  private static final AttrValue FLOAT = type(DataType.DT_FLOAT);

  private Int8Products() {}

  /**
   * {@code frozen} with its large products by weights in int8, their activations' ranges given by
   * {@code ranges} (a {@link Calibration}), less the float32 weights no op reads any more.
   */
  static GraphDef rewrite(GraphDef frozen, Collection<String> keep, ConfigProto config, ActivationRanges ranges) {
    WeightOperands weightOperands = new WeightOperands(frozen);
    List<NodeDef> products = frozen.getNodeList().stream()
        .filter(node -> isFloatMatMul(node) && weightOperands.of(node).anyMatch(w -> w.equals(weightOf(node))))
        .toList();
    Map<String, FloatMatrix> weights = new HashMap<>();
    WeightOperands.evaluate(frozen, products.stream().map(Int8Products::weightOf).distinct().toList(), config,
        (tf, operand) -> operand, (operand, value) -> weights.put(operand, FloatMatrix.of((TFloat32) value)));
    List<NodeDef> large = products.stream().filter(product -> weights.get(weightOf(product)).size() >= MIN_WEIGHTS)
        .toList();
    Map<String, Calibration.Range> activationRanges = large.isEmpty() ? Map.of()
        : ranges.rangesOf(frozen, large.stream().map(Int8Products::activationsOf).distinct().toList());
    Map<String, List<NodeDef>> replacements = new HashMap<>();
    for (NodeDef product : large) {
      FloatMatrix weight = weights.get(weightOf(product));
      boolean transposed = product.getAttrOrDefault("transpose_b", AttrValue.getDefaultInstance()).getB();
      FloatMatrix inputsByOutputs = transposed ? weight.transposed() : weight;
      replacements.put(product.getName(),
          inInt8(product, QuantizedWeight.of(inputsByOutputs), activationRanges.get(activationsOf(product))));
    }
    return FrozenGraph.rewritten(frozen, replacements, List.of(), keep);
  }

  /** A float32 MatMul whose activations are its first operand, untransposed (the quantized op's layout). */
  private static boolean isFloatMatMul(NodeDef node) {
    return node.getOp().equals("MatMul") && node.getAttrOrThrow("T").getType() == DataType.DT_FLOAT
        && !node.getAttrOrDefault("transpose_a", AttrValue.getDefaultInstance()).getB();
  }

  private static String weightOf(NodeDef product) {
    return WeightOperands.tensorName(product.getInput(1));
  }

  private static String activationsOf(NodeDef product) {
    return WeightOperands.tensorName(product.getInput(0));
  }

  /** The product as the quantizing ops, the int8 product and the rescaling, the last under the product's name. */
  private static List<NodeDef> inInt8(NodeDef product, QuantizedWeight weight, Calibration.Range range) {
    String prefix = product.getName() + "/int8/";
    String device = product.getDevice();
    // a width of 0 (activations constant over the calibration rows) is widened by QuantizeV2 itself
    float width = range.max() - range.min();
    List<NodeDef> nodes = new ArrayList<>();
    nodes.add(constant(prefix + "min", DataType.DT_FLOAT, floats(range.min())));
    nodes.add(op(prefix + "shifted", "Sub", device, product.getInput(0), prefix + "min").putAttr("T", FLOAT).build());
    nodes.add(constant(prefix + "zero", DataType.DT_FLOAT, floats(0f)));
    nodes.add(constant(prefix + "width", DataType.DT_FLOAT, floats(width)));
    // SCALED over [0, width]: the shifted activations need no zero point, which this op handles only
    // through a per-call compensation of the whole weight
    nodes.add(op(prefix + "quantized", "QuantizeV2", device, prefix + "shifted", prefix + "zero", prefix + "width")
        .putAttr("T", type(DataType.DT_QUINT8)).putAttr("mode", string("SCALED"))
        .putAttr("round_mode", string("HALF_TO_EVEN")).build());
    nodes.add(constant(prefix + "weight", DataType.DT_QINT8, ByteString.copyFrom(weight.values()),
        weight.rows(), weight.columns()));
    // the op takes one range for the whole weight: it is told the integers' own (±127), the
    // columns' scales are applied after it
    nodes.add(constant(prefix + "weight_min", DataType.DT_FLOAT, floats(-127f)));
    nodes.add(constant(prefix + "weight_max", DataType.DT_FLOAT, floats(127f)));
    // added after dequantization, before the columns' scales: min × the integer column sums
    float[] shift = new float[weight.columns()];
    for (int c = 0; c < shift.length; c++) {
      shift[c] = range.min() * weight.columnSums()[c];
    }
    nodes.add(constant(prefix + "shift", DataType.DT_FLOAT, floats(shift), weight.columns()));
    nodes.add(op(prefix + "product", "QuantizedMatMulWithBiasAndDequantize", device, prefix + "quantized",
        prefix + "weight", prefix + "shift", prefix + "quantized:1", prefix + "quantized:2", prefix + "weight_min",
        prefix + "weight_max", prefix + "weight_min", prefix + "weight_max")
        .putAttr("T1", type(DataType.DT_QUINT8)).putAttr("T2", type(DataType.DT_QINT8)).putAttr("Tbias", FLOAT)
        .putAttr("Toutput", FLOAT).putAttr("transpose_a", bool(false)).putAttr("transpose_b", bool(false))
        .putAttr("input_quant_mode", string("SCALED")).build());
    nodes.add(constant(prefix + "column_scales", DataType.DT_FLOAT, floats(weight.scales()), weight.columns()));
    nodes.add(op(product.getName(), "Mul", device, prefix + "product", prefix + "column_scales")
        .putAttr("T", FLOAT).build());
    return nodes;
  }

  private static NodeDef.Builder op(String name, String op, String device, String... inputs) {
    return NodeDef.newBuilder().setName(name).setOp(op).setDevice(device).addAllInput(List.of(inputs));
  }

  private static NodeDef constant(String name, DataType dtype, ByteString content, long... shape) {
    TensorShapeProto.Builder dims = TensorShapeProto.newBuilder();
    for (long size : shape) {
      dims.addDim(TensorShapeProto.Dim.newBuilder().setSize(size));
    }
    TensorProto value = TensorProto.newBuilder().setDtype(dtype).setTensorShape(dims).setTensorContent(content).build();
    return NodeDef.newBuilder().setName(name).setOp("Const").putAttr("dtype", type(dtype))
        .putAttr("value", AttrValue.newBuilder().setTensor(value).build()).build();
  }

  private static ByteString floats(float... values) {
    ByteBuffer buffer = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    for (float value : values) {
      buffer.putFloat(value);
    }
    return ByteString.copyFrom(buffer.array());
  }

  private static AttrValue type(DataType dtype) {
    return AttrValue.newBuilder().setType(dtype).build();
  }

  private static AttrValue string(String value) {
    return AttrValue.newBuilder().setS(ByteString.copyFromUtf8(value)).build();
  }

  private static AttrValue bool(boolean value) {
    return AttrValue.newBuilder().setB(value).build();
  }
}
