package io.dlf.dsl.compile;

import io.dlf.dsl.spec.Embedding;
import io.dlf.dsl.spec.Feature;
import io.dlf.dsl.spec.NumericTransform;
import io.dlf.dsl.spec.Pooling;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * E(1) {@code [B, F, D]}: one token per field, in field order. Categorical (and bucketized numeric)
 * fields look up their row; numeric fields scale a learned vector by the (transformed) value; sequence fields take the
 * masked mean or sum of their tokens' rows. FM's first-order weights are the same lookup into
 * tables of width 1.
 */
final class EmbeddingLayer {
  static final String PATH = "embedding";

  private EmbeddingLayer() {}

  static Operand<TFloat32> build(Layers tower, FieldLayout layout, Embedding spec, EncodedInputs inputs) {
    return lookup(tower.at(PATH), layout, spec.dim(), spec.initStddev(), inputs);
  }

  /** {@code [B, F, 1]}: a learned scalar per feature value (per numeric field: times its value), at {@code at}. */
  static Operand<TFloat32> firstOrder(Layers at, FieldLayout layout, Embedding spec, EncodedInputs inputs) {
    return lookup(at, layout, 1, spec.initStddev(), inputs);
  }

  private static Operand<TFloat32> lookup(Layers at, FieldLayout layout, int dim, float initStddev,
      EncodedInputs inputs) {
    Ops tf = at.tf();
    List<Operand<TFloat32>> groups = new ArrayList<>();
    EmbeddingTable table = layout.tableRows() > 0 ? table(at, layout, dim, initStddev) : null;
    if (!layout.categorical().isEmpty()) {
      int[] offsets = layout.categorical().stream().mapToInt(layout::offsetOf).toArray();
      Operand<TInt32> rows = tf.math.add(inputs.categorical(), tf.constant(offsets));
      groups.add(at.lookup(table, rows));
    }
    if (!layout.numeric().isEmpty()) {
      groups.add(numeric(at, layout.numeric(), inputs.numeric(), dim));
    }
    for (Feature sequence : layout.sequences()) {
      groups.add(pooledSequence(at, table, layout.offsetOf(sequence), sequence, inputs.sequences().get(sequence.name())));
    }
    Operand<TFloat32> stacked = groups.size() == 1 ? groups.get(0) : tf.concat(groups, tf.constant(1));
    if (layout.inFieldOrderAlready()) {
      return stacked;
    }
    int[] order = layout.fieldOrder().stream().mapToInt(Integer::intValue).toArray();
    return tf.gather(stacked, tf.constant(order), tf.constant(1));
  }

  /**
   * A sequence field's token embeddings from the shared table, unpooled, with its padding mask (for
   * backbones that attend over the sequence).
   */
  static SequenceTokens sequenceTokens(Layers tower, FieldLayout layout, Embedding spec, EncodedInputs inputs,
      Feature sequence) {
    Layers at = tower.at(PATH);
    Ops tf = at.tf();
    Operand<TInt32> ids = inputs.sequences().get(sequence.name());
    Operand<TFloat32> rows = at.lookup(table(at, layout, spec.dim(), spec.initStddev()),
        tf.math.add(ids, tf.constant(layout.offsetOf(sequence))));
    Operand<TFloat32> mask = tf.dtypes.cast(tf.math.greater(ids, tf.constant(0)), TFloat32.class);
    return new SequenceTokens(tf.math.mul(rows, tf.expandDims(mask, tf.constant(-1))), mask);
  }

  /** The one table of every vocabulary (created by the first caller, shared after). */
  private static EmbeddingTable table(Layers at, FieldLayout layout, int dim, float initStddev) {
    return at.embeddingTable("table", Shape.of(layout.tableRows(), dim), paddedNormal(layout, initStddev));
  }

  /** N(0, stddev^2) rows, with every table's row 0 (padding) set to zero. */
  private static Initializer paddedNormal(FieldLayout layout, float stddev) {
    return paddedNormal(layout.tableOffsets().values(), stddev);
  }

  /** N(0, stddev^2) rows, with the rows {@code padding} set to zero. */
  static Initializer paddedNormal(Collection<Integer> padding, float stddev) {
    return (init, shape, seed, seed2) -> {
      Operand<TFloat32> values = Initializer.normal(stddev).create(init, shape, seed, seed2);
      int[][] padRows = padding.stream().map(o -> new int[] {o}).toArray(int[][]::new);
      Operand<TFloat32> zeros = init.fill(init.constant(new int[] {padRows.length, (int) shape.get(1)}), init.constant(0f));
      return init.tensorScatterNdUpdate(values, init.constant(padRows), zeros);
    };
  }

  private static Operand<TFloat32> numeric(Layers at, List<Feature> fields, Operand<TFloat32> raw, int dim) {
    Ops tf = at.tf();
    float[] fill = new float[fields.size()];
    boolean[] log = new boolean[fields.size()];
    boolean anyLog = false;
    for (int i = 0; i < fields.size(); i++) {
      fill[i] = fields.get(i).fillValue();
      log[i] = fields.get(i).transform() == NumericTransform.LOG1P;
      anyLog |= log[i];
    }
    // SelectV2 broadcasts the per-field constants over the batch.
    Operand<TFloat32> filled = tf.select(tf.math.isNan(raw), tf.constant(fill), raw);
    Operand<TFloat32> x = filled;
    if (anyLog) {
      Operand<TFloat32> logged = tf.math.mul(tf.math.sign(filled), tf.math.log1p(tf.math.abs(filled)));
      x = tf.select(tf.constant(log), logged, filled);
    }
    Variable<TFloat32> weights = at.weight("numeric", Shape.of(fields.size(), dim), Initializer.xavierNormal());
    return tf.math.mul(tf.expandDims(x, tf.constant(-1)), weights);
  }

  /** {@code [B, L]} ids (0 = padding) to {@code [B, 1, D]}, pooled over the non-padding positions. */
  private static Operand<TFloat32> pooledSequence(
      Layers at, EmbeddingTable table, int offset, Feature feature, Operand<TInt32> ids) {
    Ops tf = at.tf();
    Operand<TFloat32> rows = at.lookup(table, tf.math.add(ids, tf.constant(offset)));
    Operand<TFloat32> mask = tf.expandDims(tf.dtypes.cast(tf.math.greater(ids, tf.constant(0)), TFloat32.class), tf.constant(-1));
    Operand<TFloat32> sum = tf.sum(tf.math.mul(rows, mask), tf.constant(new int[] {1}));
    Operand<TFloat32> pooled = sum;
    if (feature.pooling() == Pooling.MEAN) {
      Operand<TFloat32> count = tf.math.maximum(tf.sum(mask, tf.constant(new int[] {1})), tf.constant(1f));
      pooled = tf.math.div(sum, count);
    }
    return tf.expandDims(pooled, tf.constant(1));
  }
}
