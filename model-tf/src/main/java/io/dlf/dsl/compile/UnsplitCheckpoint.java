package io.dlf.dsl.compile;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.stream.LongStream;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Session;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.train.Restore;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.family.TType;

/**
 * Turns a checkpoint of a model trained on a cluster (embedding tables split by rows across parameter
 * servers, see {@link EmbeddingTable}) into the checkpoint the same model has in one process: each
 * table, and each optimizer slot beside it, put back together from its partitions (row {@code r} from
 * partition {@code r mod M}, local row {@code r div M}), every other variable copied as it is. What
 * reads single-process checkpoints (the export, an in-process prediction) then needs no change.
 */
public final class UnsplitCheckpoint {
  private static final String VARIABLE = "VariableV2";
  private static final String PARTITION = ".part_";

  private UnsplitCheckpoint() {}

  /**
   * Reads {@code source}, a checkpoint of {@code placed}'s variables, into {@code local}'s variables
   * through {@code session} (a session of {@code local}), and saves them as {@code target}.
   *
   * @throws IllegalArgumentException if a variable of {@code local} has no counterpart in {@code placed}
   */
  public static void write(TrainingGraph placed, TrainingGraph local, Session session, String source, String target) {
    List<String> tables = local.parameters().ofKind(Parameters.Kind.EMBEDDING).stream().map(Parameters.Parameter::name)
        .sorted(Comparator.comparingInt(String::length).reversed()).toList();
    List<GraphOperation> variables = variables(local.graph());
    List<Source> sources = new ArrayList<>();
    List<String> names = new ArrayList<>();
    for (GraphOperation variable : variables) {
      List<String> parts = checkpointNames(variable.name(), tables, placed.graph());
      sources.add(new Source(variable, names.size(), parts.size()));
      names.addAll(parts);
    }
    Ops tf = Ops.create(local.graph()).withSubScope("unsplit");
    List<Class<? extends TType>> types = names.stream().<Class<? extends TType>>map(n -> TFloat32.class).toList();
    Restore restore = tf.train.restore(tf.constant(source), tf.array(names.toArray(String[]::new)),
        tf.array(names.stream().map(n -> "").toArray(String[]::new)), types);
    List<Op> assigns = new ArrayList<>();
    for (Source s : sources) {
      assigns.add(tf.assign(s.variable().<TFloat32>output(0), s.value(tf, restore.tensors())));
    }
    Session.Runner runner = session.runner();
    assigns.forEach(runner::addTarget);
    runner.run();
    session.save(target);
  }

  /** A variable of the single-process graph and where its value sits among the restored tensors. */
  private record Source(GraphOperation variable, int first, int partitions) {
    @SuppressWarnings("unchecked")
    Operand<TFloat32> value(Ops tf, List<Output<?>> restored) {
      if (partitions == 1) {
        return (Output<TFloat32>) restored.get(first);
      }
      long rows = variable.output(0).shape().get(0);
      List<Operand<TInt32>> positions = new ArrayList<>();
      List<Operand<TFloat32>> parts = new ArrayList<>();
      for (int p = 0; p < partitions; p++) {
        positions.add(tf.constant(LongStream.iterate(p, r -> r < rows, r -> r + partitions)
            .mapToInt(Math::toIntExact).toArray()));
        parts.add((Output<TFloat32>) restored.get(first + p));
      }
      return tf.dynamicStitch(positions, parts);
    }
  }

  /** The checkpoint keys {@code name} was saved under on the cluster: itself, or its table's partitions in order. */
  private static List<String> checkpointNames(String name, List<String> tables, Graph placed) {
    if (placed.operation(name) != null) {
      return List.of(name);
    }
    for (String table : tables) {
      int at = name.indexOf(table);
      int end = at + table.length();
      boolean whole = at >= 0 && (at == 0 || name.charAt(at - 1) == '/')
          && (end == name.length() || name.charAt(end) == '.');
      if (whole) {
        List<String> parts = new ArrayList<>();
        for (int p = 0; placed.operation(partition(name, end, p)) != null; p++) {
          parts.add(partition(name, end, p));
        }
        if (!parts.isEmpty()) {
          return parts;
        }
      }
    }
    throw new IllegalArgumentException("variable " + name + " of the single-process graph is neither in the cluster's "
        + "graph nor a partitioned table's there, so the cluster's checkpoint cannot be read into it");
  }

  private static String partition(String name, int tableEnd, int partition) {
    return name.substring(0, tableEnd) + PARTITION + partition + name.substring(tableEnd);
  }

  private static List<GraphOperation> variables(Graph graph) {
    List<GraphOperation> out = new ArrayList<>();
    for (Iterator<GraphOperation> it = graph.operations(); it.hasNext(); ) {
      GraphOperation op = it.next();
      if (op.type().equals(VARIABLE)) {
        out.add(op);
      }
    }
    return out;
  }
}
