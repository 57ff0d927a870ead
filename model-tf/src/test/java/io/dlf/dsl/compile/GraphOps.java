package io.dlf.dsl.compile;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.tensorflow.GraphOperation;

/** Finds operations in a compiled graph, for tests that fetch intermediate tensors. */
final class GraphOps {
  private GraphOps() {}

  /** The names of the Softmax operations whose names start with {@code scope}, sorted. */
  static List<String> softmaxes(TrainingGraph graph, String scope) {
    List<String> names = new ArrayList<>();
    for (Iterator<GraphOperation> it = graph.graph().operations(); it.hasNext(); ) {
      GraphOperation op = it.next();
      if (op.type().equals("Softmax") && op.name().startsWith(scope)) {
        names.add(op.name());
      }
    }
    return names.stream().sorted().toList();
  }
}
