package io.dlf.dsl.compile;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.tensorflow.DeviceSpec;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Gather;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * An embedding table {@code [rows, width]}: one variable, or on a cluster M row partitions, one per
 * parameter server. Row {@code r} lives in partition {@code r mod M} at local row {@code r div M}
 * (TensorFlow's "mod" strategy): consecutive ids, and so a feature's frequent values, spread over
 * every server rather than loading the one that holds a vocabulary's range. Reads and writes of a
 * partition run on its server, so only the rows a step touches cross the network.
 *
 * @param partitions in partition order; their rows add up to {@code shape}'s
 * @param devices where each partition lives
 */
record EmbeddingTable(String name, Shape shape, List<Parameters.Parameter> partitions, List<DeviceSpec> devices) {

  EmbeddingTable {
    partitions = List.copyOf(partitions);
    devices = List.copyOf(devices);
  }

  /** The rows of one partition of a table of {@code rows} rows split {@code count} ways. */
  static long partitionRows(long rows, int count, int partition) {
    return (rows - partition + count - 1) / count;
  }

  /**
   * The rows {@code ids} (any shape) as {@code ids' shape + [width]}, with the gathers that read the
   * partitions. Ids must lie in {@code [0, rows)}.
   */
  Gathered gather(Ops tf, Operand<TInt32> ids) {
    if (partitions.size() == 1) {
      Gather<TFloat32> rows = tf.withDevice(devices.get(0)).gather(variable(0), ids, tf.constant(0));
      return new Gathered(rows, Set.of((GraphOperation) rows.op()));
    }
    Routed routed = route(tf, tf.reshape(ids, tf.constant(new int[] {-1})));
    List<Operand<TFloat32>> parts = new ArrayList<>();
    Set<GraphOperation> reads = new HashSet<>();
    for (int p = 0; p < partitions.size(); p++) {
      Ops at = tf.withDevice(devices.get(p));
      Gather<TFloat32> rows = at.gather(variable(p), routed.local().get(p), at.constant(0));
      reads.add((GraphOperation) rows.op());
      parts.add(rows);
    }
    Operand<TFloat32> stitched = tf.dynamicStitch(routed.positions(), parts);
    Operand<TInt32> shape = tf.concat(List.of(tf.shape(ids), tf.constant(new int[] {(int) shape().get(1)})),
        tf.constant(0));
    return new Gathered(tf.reshape(stitched, shape), reads);
  }

  /** Writes {@code values [n, width]} into the distinct rows {@code ids [n]}, each on its partition's server. */
  Op scatterUpdate(Ops tf, Operand<TInt32> ids, Operand<TFloat32> values) {
    if (partitions.size() == 1) {
      return tf.withDevice(devices.get(0)).scatterUpdate(variable(0), ids, values);
    }
    Routed routed = route(tf, ids);
    List<Output<TFloat32>> parts = tf.dynamicPartition(values, routed.owner(), (long) partitions.size()).outputs();
    List<Op> writes = new ArrayList<>();
    for (int p = 0; p < partitions.size(); p++) {
      writes.add(tf.withDevice(devices.get(p)).scatterUpdate(variable(p), routed.local().get(p), parts.get(p)));
    }
    return tf.withControlDependencies(writes).noOp();
  }

  /** A zero-initialised table of the same shape and partitions beside this one, named {@code <partition>.<slot>} in {@code tf}'s scope. */
  EmbeddingTable slot(Ops tf, String slot) {
    List<Parameters.Parameter> slots = new ArrayList<>();
    for (int p = 0; p < partitions.size(); p++) {
      slots.add(Parameters.slot(tf, partitions.get(p), devices.get(p), slot));
    }
    return new EmbeddingTable(name + "." + slot, shape, slots, devices);
  }

  /** Every partition's variable, in partition order. */
  List<Variable<TFloat32>> variables() {
    return partitions.stream().map(Parameters.Parameter::variable).toList();
  }

  private Variable<TFloat32> variable(int partition) {
    return partitions.get(partition).variable();
  }

  /** Flat ids {@code [n]} by partition: each one's partition, and per partition its local rows and their positions in the input. */
  private Routed route(Ops tf, Operand<TInt32> flat) {
    Operand<TInt32> count = tf.constant(partitions.size());
    Operand<TInt32> owner = tf.math.floorMod(flat, count);
    long n = partitions.size();
    List<Output<TInt32>> local = tf.dynamicPartition(tf.math.floorDiv(flat, count), owner, n).outputs();
    List<Output<TInt32>> positions = tf.dynamicPartition(
        tf.range(tf.constant(0), tf.size(flat), tf.constant(1)), owner, n).outputs();
    return new Routed(owner, local, positions.stream().<Operand<TInt32>>map(o -> o).toList());
  }

  private record Routed(Operand<TInt32> owner, List<Output<TInt32>> local, List<Operand<TInt32>> positions) {}

  /** Gathered rows and the ops that read the table for them. */
  record Gathered(Operand<TFloat32> rows, Set<GraphOperation> reads) {}
}
