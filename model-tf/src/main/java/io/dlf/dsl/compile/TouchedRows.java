package io.dlf.dsl.compile;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Unique;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * The rows of one embedding table that a training step looks up, for row-wise ("lazy") Adam: the
 * distinct ids over every lookup of the training tower, their current values, the gradient of
 * each (the gradients of its duplicate lookups summed) and an Adam step on exactly those rows.
 * TensorFlow's gradient of a gather is dense (its C++ gradient scatters into a zero table), so the
 * loss is differentiated with respect to the gathered rows instead of the table. On a cluster the
 * ids, gradients and Adam's arithmetic stay on the worker; the table's and its moments' partitions
 * are read and written on their parameter servers (see {@link EmbeddingTable}).
 */
final class TouchedRows {
  private final EmbeddingTable table;
  private final List<TableLookup> lookups;
  private final Operand<TInt32> ids;
  private final Operand<TInt32> positions;
  private final EmbeddingTable.Gathered values;

  private TouchedRows(EmbeddingTable table, List<TableLookup> lookups, Operand<TInt32> ids,
      Operand<TInt32> positions, EmbeddingTable.Gathered values) {
    this.table = table;
    this.lookups = List.copyOf(lookups);
    this.ids = ids;
    this.positions = positions;
    this.values = values;
  }

  /** The touched rows of each table that {@code lookups} read; a table no lookup reads has none. */
  static List<TouchedRows> of(Ops tf, List<EmbeddingTable> tables, List<TableLookup> lookups) {
    List<TouchedRows> out = new ArrayList<>();
    for (EmbeddingTable table : tables) {
      List<TableLookup> own = lookups.stream().filter(l -> l.table() == table).toList();
      if (own.isEmpty()) {
        continue;
      }
      Ops at = tf.withSubScope(Layers.variableName(table.name()) + ".touched");
      List<Operand<TInt32>> flat = own.stream()
          .<Operand<TInt32>>map(l -> at.reshape(l.ids(), at.constant(new int[] {-1}))).toList();
      Operand<TInt32> all = flat.size() == 1 ? flat.get(0) : at.concat(flat, at.constant(0));
      Unique<TInt32, TInt32> unique = at.unique(all, at.constant(new int[] {0}));
      EmbeddingTable.Gathered values = table.gather(at, unique.y());
      out.add(new TouchedRows(table, own, unique.y(), unique.idx(), values));
    }
    return out;
  }

  EmbeddingTable table() {
    return table;
  }

  /** The touched rows' current values {@code [rows, width]}, once each: what row-wise L2 regularizes. */
  Operand<TFloat32> values() {
    return values.rows();
  }

  /** The gathered rows the loss is differentiated with respect to, one per lookup. */
  List<Operand<TFloat32>> lookedUp() {
    return lookups.stream().<Operand<TFloat32>>map(TableLookup::rows).toList();
  }

  /**
   * The gradient of each touched row {@code [rows, width]}: the gradients {@code rowGradients} of
   * its lookups (as {@link #lookedUp()} orders them) summed per id, plus {@code embeddingL2 x row}
   * when the loss regularizes the touched rows.
   */
  @SuppressWarnings("unchecked")
  Operand<TFloat32> gradient(Ops tf, List<Output<?>> rowGradients, float embeddingL2) {
    long width = table.shape().get(1);
    List<Operand<TFloat32>> flat = new ArrayList<>();
    for (Output<?> g : rowGradients) {
      flat.add(tf.reshape((Output<TFloat32>) g, tf.constant(new long[] {-1, width})));
    }
    Operand<TFloat32> all = flat.size() == 1 ? flat.get(0) : tf.concat(flat, tf.constant(0));
    Operand<TFloat32> summed = tf.math.unsortedSegmentSum(all, positions, tf.size(ids));
    return embeddingL2 == 0f ? summed : tf.math.add(summed, tf.math.mul(values(), tf.constant(embeddingL2)));
  }

  /**
   * Adam on the touched rows with TensorFlow's ApplyAdam arithmetic, reading and writing only them:
   * {@code m += (g - m)(1 - beta1)}, {@code v += (g^2 - v)(1 - beta2)},
   * {@code w -= alpha m / (sqrt(v) + epsilon)} with {@code alpha = lr sqrt(1 - beta2^t) / (1 - beta1^t)}.
   * The writes wait for every lookup of the step, so the forward pass reads the rows before they move.
   */
  Op adam(Ops tf, EmbeddingTable m, EmbeddingTable v, Operand<TFloat32> grad, AdamTerms terms) {
    Operand<TFloat32> mRows = m.gather(tf, ids).rows();
    Operand<TFloat32> vRows = v.gather(tf, ids).rows();
    Operand<TFloat32> mNew = tf.math.add(mRows, tf.math.mul(tf.math.sub(grad, mRows), terms.oneMinusBeta1()));
    Operand<TFloat32> vNew = tf.math.add(vRows,
        tf.math.mul(tf.math.sub(tf.math.square(grad), vRows), terms.oneMinusBeta2()));
    Operand<TFloat32> step = tf.math.div(tf.math.mul(mNew, terms.alpha()),
        tf.math.add(tf.math.sqrt(vNew), terms.epsilon()));
    List<Op> reads = lookups.stream().<Op>map(TableLookup::rows).toList();
    Ops afterReads = tf.withControlDependencies(reads);
    return tf.withControlDependencies(List.of(
        m.scatterUpdate(afterReads, ids, mNew),
        v.scatterUpdate(afterReads, ids, vNew),
        table.scatterUpdate(afterReads, ids, tf.math.sub(values(), step)))).noOp();
  }

  /** The gather ops through which the loss may read the table's variables: the lookups' and the touched values'. */
  Set<GraphOperation> readers() {
    Set<GraphOperation> readers = new HashSet<>(values.reads());
    lookups.forEach(l -> readers.addAll(l.reads()));
    return readers;
  }
}
