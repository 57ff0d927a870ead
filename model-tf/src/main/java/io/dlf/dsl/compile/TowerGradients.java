package io.dlf.dsl.compile;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * The gradients of a step's training towers, differentiated one tower at a time and summed: per
 * dense variable, and per gathered rows of the row-wise tables' lookups (which {@link TouchedRows}
 * sums per id). One tower is differentiated under TensorFlow's default name scope; several each
 * under their own ({@link #scope}), so that each backward pass can be placed on its tower's worker.
 */
final class TowerGradients {
  private final Graph graph;
  private final int towers;
  private final List<Parameters.Parameter> dense;
  private final List<List<Operand<TFloat32>>> denseParts = new ArrayList<>();
  private final Map<Operand<TFloat32>, Output<?>> rowGradients = new IdentityHashMap<>();

  /** For {@code towers} towers, differentiated with respect to {@code dense} and their row-wise lookups. */
  TowerGradients(Graph graph, int towers, List<Parameters.Parameter> dense) {
    this.graph = graph;
    this.towers = towers;
    this.dense = List.copyOf(dense);
    dense.forEach(p -> denseParts.add(new ArrayList<>()));
  }

  /** The name scope of tower {@code tower}'s backward pass when there are several. */
  static String scope(int tower) {
    return TrainingGraph.TOWER + tower + "_gradients";
  }

  /**
   * Differentiates tower {@code tower}'s {@code objective} with respect to the dense variables and
   * {@code rows}, the gathered rows of its row-wise lookups; returns the gradients it added.
   */
  @SuppressWarnings("unchecked")
  List<Operand<?>> add(int tower, Operand<TFloat32> objective, List<Operand<TFloat32>> rows) {
    List<Output<?>> sources = new ArrayList<>();
    dense.forEach(p -> sources.add(p.variable().asOutput()));
    rows.forEach(r -> sources.add(r.asOutput()));
    Output<?>[] grads = graph.addGradients(towers == 1 ? null : scope(tower), new Output<?>[] {objective.asOutput()},
        sources.toArray(Output<?>[]::new), null);
    for (int i = 0; i < dense.size(); i++) {
      denseParts.get(i).add((Output<TFloat32>) grads[i]);
    }
    for (int i = 0; i < rows.size(); i++) {
      rowGradients.put(rows.get(i), grads[dense.size() + i]);
    }
    return List.of(grads);
  }

  /**
   * The summed gradient of each dense variable, in order, then of each table's touched rows (plus
   * {@code embeddingL2 x row}, see {@link TouchedRows#gradient}).
   */
  List<Operand<TFloat32>> sum(Ops tf, List<TouchedRows> tables, float embeddingL2) {
    List<Operand<TFloat32>> out = new ArrayList<>();
    denseParts.forEach(parts -> out.add(parts.size() == 1 ? parts.get(0) : tf.math.addN(parts)));
    for (TouchedRows t : tables) {
      out.add(t.gradient(tf, t.lookedUp().stream().<Output<?>>map(rowGradients::get).toList(), embeddingL2));
    }
    return out;
  }
}
