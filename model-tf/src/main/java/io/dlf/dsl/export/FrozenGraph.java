package io.dlf.dsl.export;

import com.google.protobuf.UnsafeByteOperations;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.buffer.ByteDataBuffer;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.TensorProto;
import org.tensorflow.proto.TensorShapeProto;

/**
 * The inference part of a SavedModel with its variables turned into constants. Only the ops an
 * output depends on are kept, and each variable becomes a constant holding its current value, so
 * TensorFlow's graph optimiser can fold everything computed from weights alone (their transposes,
 * reshapes, concatenations) once at load instead of on every call, and no variable is read per call.
 */
final class FrozenGraph {
  private static final String VARIABLE_OP = "VariableV2";

  private FrozenGraph() {}

  /** A new graph computing {@code output} (a tensor such as "probability:0") from the bundle's inputs and constants. */
  static Graph of(SavedModelBundle bundle, String output) {
    return imported(def(bundle.graph(), bundle.session(), List.of(output)));
  }

  /** The ops the {@code outputs} (tensor or op names) depend on, each variable a constant of its value in {@code session}. */
  static GraphDef def(Graph graph, Session session, Collection<String> outputs) {
    GraphDef def = graph.toGraphDef();
    Map<String, NodeDef> byName = byName(def);
    Set<String> needed = ancestors(byName, outputs);
    List<String> variables = needed.stream().filter(name -> byName.get(name).getOp().equals(VARIABLE_OP)).toList();
    Map<String, NodeDef> constants = constants(session, variables, byName);
    GraphDef.Builder frozen = GraphDef.newBuilder().setVersions(def.getVersions()).setLibrary(def.getLibrary());
    for (NodeDef node : def.getNodeList()) {
      if (needed.contains(node.getName())) {
        frozen.addNode(constants.getOrDefault(node.getName(), node));
      }
    }
    return frozen.build();
  }

  /** {@code def} less the ops none of the {@code outputs} depends on. */
  static GraphDef pruned(GraphDef def, Collection<String> outputs) {
    Set<String> needed = ancestors(byName(def), outputs);
    GraphDef.Builder kept = def.toBuilder().clearNode();
    def.getNodeList().stream().filter(node -> needed.contains(node.getName())).forEach(kept::addNode);
    return kept.build();
  }

  /**
   * {@code def} with each op named in {@code replacements} replaced by its ops (one of them under
   * the old name), plus {@code added}, less the ops none of the {@code outputs} depends on any more.
   */
  static GraphDef rewritten(GraphDef def, Map<String, List<NodeDef>> replacements, Collection<NodeDef> added,
      Collection<String> outputs) {
    GraphDef.Builder out = def.toBuilder().clearNode();
    for (NodeDef node : def.getNodeList()) {
      out.addAllNode(replacements.getOrDefault(node.getName(), List.of(node)));
    }
    out.addAllNode(added);
    return pruned(out.build(), outputs);
  }

  /** A new graph holding {@code def}. */
  static Graph imported(GraphDef def) {
    Graph graph = new Graph();
    try {
      graph.importGraphDef(def);
    } catch (RuntimeException e) {
      graph.close();
      throw e;
    }
    return graph;
  }

  static Map<String, NodeDef> byName(GraphDef def) {
    Map<String, NodeDef> byName = new HashMap<>();
    def.getNodeList().forEach(node -> byName.put(node.getName(), node));
    return byName;
  }

  private static Set<String> ancestors(Map<String, NodeDef> byName, Collection<String> outputs) {
    Set<String> needed = new LinkedHashSet<>();
    Deque<String> pending = new ArrayDeque<>();
    outputs.forEach(output -> pending.push(opName(output)));
    while (!pending.isEmpty()) {
      String name = pending.pop();
      NodeDef node = byName.get(name);
      if (node == null) {
        throw new IllegalArgumentException("the graph has no op named '" + name + "'");
      }
      if (needed.add(name)) {
        node.getInputList().forEach(input -> pending.push(opName(input)));
      }
    }
    return needed;
  }

  /** The op of a tensor or input name: "op", "op:1" or "^op" (a control dependency). */
  static String opName(String input) {
    return input.replaceFirst("^\\^", "").replaceFirst(":\\d+$", "");
  }

  /** Each variable as a constant node of the same name, dtype and device, read in one session run. */
  private static Map<String, NodeDef> constants(Session session, List<String> variables, Map<String, NodeDef> byName) {
    Map<String, NodeDef> constants = new HashMap<>();
    if (variables.isEmpty()) {
      return constants;
    }
    Session.Runner runner = session.runner();
    variables.forEach(runner::fetch);
    try (Result values = runner.run()) {
      for (int i = 0; i < variables.size(); i++) {
        NodeDef variable = byName.get(variables.get(i));
        constants.put(variable.getName(), NodeDef.newBuilder()
            .setName(variable.getName())
            .setOp("Const")
            .setDevice(variable.getDevice())
            .putAttr("dtype", AttrValue.newBuilder().setType(values.get(i).dataType()).build())
            .putAttr("value", AttrValue.newBuilder().setTensor(tensorProto(variable.getName(), values.get(i))).build())
            .build());
      }
    }
    return constants;
  }

  static TensorProto tensorProto(String name, Tensor value) {
    if (value.dataType() == DataType.DT_STRING) {
      throw new IllegalArgumentException("variable '" + name + "' holds strings; only numeric variables can be frozen");
    }
    TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
    for (long size : value.shape().asArray()) {
      shape.addDim(TensorShapeProto.Dim.newBuilder().setSize(size));
    }
    ByteDataBuffer data = value.asRawTensor().data();
    byte[] bytes = new byte[Math.toIntExact(data.size())];
    data.read(bytes);
    // bytes is ours and never changes afterwards, so the proto may wrap it rather than copy it
    return TensorProto.newBuilder().setDtype(value.dataType()).setTensorShape(shape)
        .setTensorContent(UnsafeByteOperations.unsafeWrap(bytes)).build();
  }
}
