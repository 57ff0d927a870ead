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
 * scale per output column (its largest magnitude maps to 127). Per call, the activations are
 * shifted by their minimum so that they are non-negative, quantized to 8 bits over their range, and
 * multiplied in int8 with int32 accumulation; the result is scaled per column and the shift's
 * contribution ({@code min × column sums of the weight}) added back, under the product's old name.
 *
 * <p>A batch-1 call reads a quarter of the weights' float32 bytes: on a 2-core AMD EPYC the
 * reference preset's products took 0.8 ms of op time instead of 3.5, and its served p50 went from
 * 3.9 to 3.3 ms (bench/results/serving-precision-2026-12-07.md). Only products whose weight holds at
 * least {@link #MIN_WEIGHTS} values are rewritten: the quantizing ops cost a few microseconds each
 * call, more than a small product's saved bytes (rewriting all 26 of that preset's products made its
 * call about 1 ms slower).
 * Batched products, activation-by-activation products, embeddings and biases stay float32.
 */
final class Int8Products {
  /** 64 KiB of float32 weights. */
  static final long MIN_WEIGHTS = 16_384;
  private static final AttrValue FLOAT = type(DataType.DT_FLOAT);
  private static final AttrValue INT32 = type(DataType.DT_INT32);

  private Int8Products() {}

  /** {@code frozen} with its large products by weights in int8, less the float32 weights no op reads any more. */
  static GraphDef rewrite(GraphDef frozen, Collection<String> keep, ConfigProto config) {
    WeightOperands weightOperands = new WeightOperands(frozen);
    List<NodeDef> products = frozen.getNodeList().stream()
        .filter(node -> isFloatMatMul(node) && weightOperands.of(node).anyMatch(w -> w.equals(weightOf(node))))
        .toList();
    Map<String, FloatMatrix> weights = new HashMap<>();
    WeightOperands.evaluate(frozen, products.stream().map(Int8Products::weightOf).distinct().toList(), config,
        (tf, operand) -> operand, (operand, value) -> weights.put(operand, FloatMatrix.of((TFloat32) value)));
    Map<String, List<NodeDef>> replacements = new HashMap<>();
    for (NodeDef product : products) {
      FloatMatrix weight = weights.get(weightOf(product));
      if (weight.size() >= MIN_WEIGHTS) {
        boolean transposed = product.getAttrOrDefault("transpose_b", AttrValue.getDefaultInstance()).getB();
        FloatMatrix inputsByOutputs = transposed ? weight.transposed() : weight;
        replacements.put(product.getName(), inInt8(product, QuantizedWeight.of(inputsByOutputs)));
      }
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

  /** The product as the quantizing ops, the int8 product and the rescaling, the last under the product's name. */
  private static List<NodeDef> inInt8(NodeDef product, QuantizedWeight weight) {
    String prefix = product.getName() + "/int8/";
    String device = product.getDevice();
    String activations = product.getInput(0);
    List<NodeDef> nodes = new ArrayList<>();
    nodes.add(constant(prefix + "all_axes", DataType.DT_INT32, ints(0, 1), 2));
    nodes.add(op(prefix + "min", "Min", device, activations, prefix + "all_axes").putAttr("T", FLOAT)
        .putAttr("Tidx", INT32).build());
    nodes.add(op(prefix + "shifted", "Sub", device, activations, prefix + "min").putAttr("T", FLOAT).build());
    nodes.add(op(prefix + "max", "Max", device, prefix + "shifted", prefix + "all_axes").putAttr("T", FLOAT)
        .putAttr("Tidx", INT32).build());
    nodes.add(constant(prefix + "zero", DataType.DT_FLOAT, floats(0f)));
    // SCALED over [0, max]: the shifted activations need no zero point, which this op handles only
    // through a per-call compensation of the whole weight
    nodes.add(op(prefix + "quantized", "QuantizeV2", device, prefix + "shifted", prefix + "zero", prefix + "max")
        .putAttr("T", type(DataType.DT_QUINT8)).putAttr("mode", string("SCALED"))
        .putAttr("round_mode", string("HALF_TO_EVEN")).build());
    nodes.add(constant(prefix + "weight", DataType.DT_QINT8, ByteString.copyFrom(weight.values()),
        weight.rows(), weight.columns()));
    // the op takes one range for the whole weight: it is told the integers' own (±127), the
    // columns' scales are applied after it
    nodes.add(constant(prefix + "weight_min", DataType.DT_FLOAT, floats(-127f)));
    nodes.add(constant(prefix + "weight_max", DataType.DT_FLOAT, floats(127f)));
    nodes.add(constant(prefix + "no_bias", DataType.DT_FLOAT, floats(new float[weight.columns()]), weight.columns()));
    nodes.add(op(prefix + "product", "QuantizedMatMulWithBiasAndDequantize", device, prefix + "quantized",
        prefix + "weight", prefix + "no_bias", prefix + "quantized:1", prefix + "quantized:2", prefix + "weight_min",
        prefix + "weight_max", prefix + "weight_min", prefix + "weight_max")
        .putAttr("T1", type(DataType.DT_QUINT8)).putAttr("T2", type(DataType.DT_QINT8)).putAttr("Tbias", FLOAT)
        .putAttr("Toutput", FLOAT).putAttr("transpose_a", bool(false)).putAttr("transpose_b", bool(false))
        .putAttr("input_quant_mode", string("SCALED")).build());
    nodes.add(constant(prefix + "column_scales", DataType.DT_FLOAT, floats(weight.scales()), weight.columns()));
    nodes.add(op(prefix + "scaled", "Mul", device, prefix + "product", prefix + "column_scales")
        .putAttr("T", FLOAT).build());
    nodes.add(constant(prefix + "column_sums", DataType.DT_FLOAT, floats(weight.columnSums()), 1, weight.columns()));
    nodes.add(op(prefix + "shift", "Mul", device, prefix + "min", prefix + "column_sums").putAttr("T", FLOAT).build());
    nodes.add(op(product.getName(), "AddV2", device, prefix + "scaled", prefix + "shift").putAttr("T", FLOAT).build());
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

  private static ByteString ints(int... values) {
    ByteBuffer buffer = ByteBuffer.allocate(values.length * Integer.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    for (int value : values) {
      buffer.putInt(value);
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
