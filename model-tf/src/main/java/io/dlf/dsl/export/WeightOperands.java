package io.dlf.dsl.export;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.op.Ops;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.NodeDef;

/**
 * The operands of a frozen graph's matrix products that are weights: computed from constants alone
 * (a weight, or what the graph derives from weights only: a transpose, a stack of kernels), so an
 * export may evaluate them once and store them at a lower precision.
 */
final class WeightOperands {
  private final Map<String, NodeDef> byName;
  private final Map<String, Boolean> constantOnly = new HashMap<>();

  WeightOperands(GraphDef frozen) {
    this.byName = FrozenGraph.byName(frozen);
  }

  /** The product's data inputs (as "op:index") that depend on constants only. */
  Stream<String> of(NodeDef product) {
    return product.getInputList().stream().filter(input -> !input.startsWith("^")).map(WeightOperands::tensorName)
        .filter(input -> constantOnly(FrozenGraph.opName(input)));
  }

  /** Whether the op computes from constants alone: a Const, or an op with inputs that all do. */
  private boolean constantOnly(String op) {
    Boolean known = constantOnly.get(op);
    if (known != null) {
      return known;
    }
    NodeDef node = byName.get(op);
    boolean result = node.getOp().equals("Const") || (node.getInputCount() > 0
        && node.getInputList().stream().allMatch(input -> constantOnly(FrozenGraph.opName(input))));
    constantOnly.put(op, result);
    return result;
  }

  /**
   * Hands {@code use} each operand's value after {@code transform} (e.g. a cast), all computed in
   * one run of a session over {@code frozen}.
   */
  static void evaluate(GraphDef frozen, List<String> operands, ConfigProto config,
      BiFunction<Ops, Output<?>, Operand<?>> transform, BiConsumer<String, Tensor> use) {
    if (operands.isEmpty()) {
      return;
    }
    try (Graph graph = FrozenGraph.imported(frozen); Session session = new Session(graph, config)) {
      Ops tf = Ops.create(graph).withSubScope("weight_operands");
      Session.Runner runner = session.runner();
      operands.forEach(operand -> runner.fetch(transform.apply(tf, graph.outputOrThrow(operand))));
      try (Result values = runner.run()) {
        for (int i = 0; i < operands.size(); i++) {
          use.accept(operands.get(i), values.get(i));
        }
      }
    }
  }

  /** "op" and "op:0" alike as "op:0". */
  static String tensorName(String input) {
    return input.contains(":") ? input : input + ":0";
  }
}
