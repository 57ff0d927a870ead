package io.dlf.dsl.export;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.types.TBfloat16;

/**
 * Rewrites a frozen inference graph ({@link FrozenGraph#def}) so that its matrix products by
 * weights run in bfloat16. A product's operand that depends on constants only (a weight, or what
 * the graph computes from weights alone: a transpose, a stack of kernels) is evaluated once here and
 * stored as a bfloat16 constant (rounded to nearest); its other operand is cast to bfloat16 per call;
 * the product runs in bfloat16 (oneDNN accumulates in float32) and is cast back to float32 under
 * its old name, so everything downstream is unchanged. Products of two activations (attention
 * scores, DLF's interaction) stay float32, as do embeddings and biases.
 */
final class Bfloat16Products {
  private static final Set<String> PRODUCTS = Set.of("MatMul", "BatchMatMulV2", "BatchMatMulV3", "Einsum");
  private static final AttrValue FLOAT = AttrValue.newBuilder().setType(DataType.DT_FLOAT).build();
  private static final AttrValue BFLOAT16 = AttrValue.newBuilder().setType(DataType.DT_BFLOAT16).build();

  private Bfloat16Products() {}

  /** {@code frozen} with its products by weights in bfloat16, less the float32 weights no op reads any more. */
  static GraphDef rewrite(GraphDef frozen, Collection<String> keep, ConfigProto config) {
    WeightOperands weightOperands = new WeightOperands(frozen);
    List<NodeDef> products = frozen.getNodeList().stream()
        .filter(node -> isFloatProduct(node) && weightOperands.of(node).findAny().isPresent()).toList();
    List<String> weights = products.stream().flatMap(weightOperands::of).distinct().toList();
    Map<String, NodeDef> bfloat16Weights = bfloat16Constants(frozen, weights, config);
    Map<String, List<NodeDef>> replacements = new HashMap<>();
    products.forEach(product -> replacements.put(product.getName(), inBfloat16(product, bfloat16Weights)));
    return FrozenGraph.rewritten(frozen, replacements, bfloat16Weights.values(), keep);
  }

  private static boolean isFloatProduct(NodeDef node) {
    if (!PRODUCTS.contains(node.getOp())) {
      return false;
    }
    String dtype = node.getOp().equals("BatchMatMulV3") ? "Ta" : "T";
    return node.getAttrOrThrow(dtype).getType() == DataType.DT_FLOAT;
  }

  /** The product as bfloat16 casts of its activations, the product in bfloat16, and a float32 cast under its name. */
  private static List<NodeDef> inBfloat16(NodeDef product, Map<String, NodeDef> bfloat16Weights) {
    List<NodeDef> nodes = new ArrayList<>();
    NodeDef.Builder inBfloat16 = product.toBuilder().setName(product.getName() + "/bfloat16").clearInput();
    for (String input : product.getInputList()) {
      if (input.startsWith("^")) {
        inBfloat16.addInput(input);
      } else if (bfloat16Weights.containsKey(WeightOperands.tensorName(input))) {
        inBfloat16.addInput(bfloat16Weights.get(WeightOperands.tensorName(input)).getName());
      } else {
        NodeDef cast = cast(product.getName() + "/bfloat16_input_" + nodes.size(), input, DataType.DT_FLOAT,
            DataType.DT_BFLOAT16, product.getDevice());
        nodes.add(cast);
        inBfloat16.addInput(cast.getName());
      }
    }
    for (String dtype : product.getOp().equals("BatchMatMulV3") ? List.of("Ta", "Tb", "Tout") : List.of("T")) {
      inBfloat16.putAttr(dtype, BFLOAT16);
    }
    nodes.add(inBfloat16.build());
    nodes.add(cast(product.getName(), inBfloat16.getName(), DataType.DT_BFLOAT16, DataType.DT_FLOAT, product.getDevice()));
    return nodes;
  }

  private static NodeDef cast(String name, String input, DataType from, DataType to, String device) {
    return NodeDef.newBuilder().setName(name).setOp("Cast").addInput(input).setDevice(device)
        .putAttr("SrcT", from == DataType.DT_FLOAT ? FLOAT : BFLOAT16)
        .putAttr("DstT", to == DataType.DT_FLOAT ? FLOAT : BFLOAT16)
        .putAttr("Truncate", AttrValue.newBuilder().setB(false).build())
        .build();
  }

  /** Each weight operand's value rounded to bfloat16 by TensorFlow's Cast, as a constant, by operand. */
  private static Map<String, NodeDef> bfloat16Constants(GraphDef frozen, List<String> operands, ConfigProto config) {
    Map<String, NodeDef> constants = new LinkedHashMap<>();
    WeightOperands.evaluate(frozen, operands, config, (tf, operand) -> tf.dtypes.cast(operand, TBfloat16.class),
        (operand, rounded) -> {
          String name = operand.replace(':', '_') + "/bfloat16_weight";
          constants.put(operand, NodeDef.newBuilder().setName(name).setOp("Const")
              .putAttr("dtype", BFLOAT16)
              .putAttr("value", AttrValue.newBuilder().setTensor(FrozenGraph.tensorProto(name, rounded)).build())
              .build());
        });
    return constants;
  }
}
