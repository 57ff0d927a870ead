package io.dlf.dsl.compile;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.internal.c_api.global.tensorflow;
import org.tensorflow.proto.DataType;

/**
 * Checks, before {@code Graph.addGradients} is called, that every op a loss is differentiated
 * through has a registered gradient. Without this, TensorFlow fails late and names only the op
 * type; here the failure names each op and the block path it belongs to.
 */
public final class GradientCoverage {
  private GradientCoverage() {}

  /**
   * The ops on a floating-point path from any of {@code variables} to {@code loss} without a
   * gradient, as {@code name (type)}; empty when the graph can be differentiated. A path ends at a
   * StopGradient: nothing past it is differentiated (e.g. a mask ranked by TopK from learned scores).
   */
  public static Set<String> missingGradients(Operand<?> loss, List<? extends Operand<?>> variables) {
    Set<GraphOperation> upstreamOfLoss = upstream((GraphOperation) loss.op());
    Set<GraphOperation> sources = new HashSet<>();
    for (Operand<?> v : variables) {
      sources.add((GraphOperation) v.op());
    }
    Set<String> missing = new TreeSet<>();
    for (GraphOperation op : downstreamThroughFloats(sources)) {
      if (!sources.contains(op) && upstreamOfLoss.contains(op) && !tensorflow.TFJ_HasGradient(op.type())) {
        missing.add(op.name() + " (" + op.type() + ")");
      }
    }
    return missing;
  }

  /** Throws naming every op without a gradient. */
  public static void check(Operand<?> loss, List<? extends Operand<?>> variables) {
    Set<String> missing = missingGradients(loss, variables);
    if (!missing.isEmpty()) {
      throw new GraphCompilationException("no gradient is registered for ops on the path from the trainable "
          + "variables to the loss: " + String.join(", ", missing));
    }
  }

  /**
   * Throws unless {@code loss} reads {@code variable} only through {@code readers} (ops that
   * consume it directly): what row-wise updates differentiate must be the only way in.
   */
  static void checkReadOnlyThrough(Operand<?> loss, Operand<?> variable, Set<GraphOperation> readers) {
    Set<GraphOperation> upstreamOfLoss = upstream((GraphOperation) loss.op());
    GraphOperation source = (GraphOperation) variable.op();
    Set<String> others = new TreeSet<>();
    for (GraphOperation consumer : source.consumers(0)) {
      if (upstreamOfLoss.contains(consumer) && !readers.contains(consumer)) {
        others.add(consumer.name() + " (" + consumer.type() + ")");
      }
    }
    if (!others.isEmpty()) {
      throw new GraphCompilationException("embedding table " + source.name() + " reaches the loss other than through "
          + "its lookups, so row-wise updates would miss part of its gradient: " + String.join(", ", others));
    }
  }

  private static Set<GraphOperation> upstream(GraphOperation from) {
    Set<GraphOperation> seen = new HashSet<>();
    Deque<GraphOperation> todo = new ArrayDeque<>(List.of(from));
    while (!todo.isEmpty()) {
      GraphOperation op = todo.pop();
      if (seen.add(op)) {
        for (Operand<?> input : op.inputs()) {
          todo.push((GraphOperation) input.op());
        }
      }
    }
    return seen;
  }

  private static Set<GraphOperation> downstreamThroughFloats(Set<GraphOperation> from) {
    Set<GraphOperation> seen = new HashSet<>();
    Deque<GraphOperation> todo = new ArrayDeque<>(from);
    while (!todo.isEmpty()) {
      GraphOperation op = todo.pop();
      if (op.type().equals("StopGradient") || !seen.add(op)) {
        continue;
      }
      for (int i = 0; i < op.numOutputs(); i++) {
        if (isFloat(op.output(i).dataType())) {
          todo.addAll(op.consumers(i));
        }
      }
    }
    return seen;
  }

  /** Float, double, half and bfloat16, including their reference (variable) forms. */
  private static boolean isFloat(DataType type) {
    int base = type.getNumber() % 100;
    return base == DataType.DT_FLOAT_VALUE || base == DataType.DT_DOUBLE_VALUE
        || base == DataType.DT_HALF_VALUE || base == DataType.DT_BFLOAT16_VALUE;
  }
}
