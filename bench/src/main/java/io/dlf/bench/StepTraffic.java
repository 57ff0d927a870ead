package io.dlf.bench;

import io.dlf.dsl.compile.BatchTensors;
import io.dlf.dsl.compile.Parameters;
import io.dlf.trainer.encode.BatchStream;
import io.dlf.trainer.encode.LabeledBatch;
import io.dlf.trainer.encode.PreparedData;
import io.dlf.trainer.training.Replica;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.GraphOperation;
import org.tensorflow.Result;
import org.tensorflow.Session;

/**
 * What one training step should move between a worker and the parameter servers, counted from the
 * graph's design (row-wise Adam on split tables, every other variable whole on a server):
 * <ul>
 *   <li>per table, the rows its lookups gather ({@code L}: one per id of the batch, duplicates
 *       included) and six passes over its {@code U} distinct ids: the touched values, both Adam
 *       moments read, and the three written back; each row {@code width} floats, and each row's id
 *       (an int) sent to its server;
 *   <li>every other variable read whole and its gradient (or new value) sent back: twice its floats.
 * </ul>
 * {@code L} and {@code U} are measured on the data: the sizes of each table's Unique op's outputs
 * (its index output, one per lookup, and its distinct ids) over a few batches. gRPC and protobuf framing
 * is not counted.
 *
 * @param tables per table: width, lookups and distinct ids per step, bytes per step
 * @param denseFloats the floats of every variable other than the tables
 * @param bytesPerStep the whole count
 */
record StepTraffic(Map<String, Table> tables, long denseFloats, long bytesPerStep) {
  private static final int FLOAT_BYTES = 4;
  private static final int ID_BYTES = 4;
  /** Touched-row passes of row-wise Adam: values, m and v read; values, m and v written. */
  private static final int TOUCHED_PASSES = 6;

  record Table(long width, double lookups, double distinct, long bytes) {}

  static StepTraffic count(Replica replica, PreparedData data, int batch, int probes) {
    Map<String, Long> widths = new LinkedHashMap<>();
    long dense = 0;
    for (Parameters.Parameter p : replica.graph().parameters().ofKind(Parameters.Kind.EMBEDDING)) {
      widths.put(p.name().replaceAll("\\.part_\\d+$", ""), p.shape().get(1));
    }
    for (Parameters.Parameter p : replica.graph().parameters().ofKind(Parameters.Kind.NET)) {
      dense += p.size();
    }
    for (Parameters.Parameter p : replica.graph().parameters().ofKind(Parameters.Kind.STATE)) {
      dense += p.size();
    }
    Map<String, GraphOperation> uniques = uniques(replica, widths.keySet());
    Map<String, long[]> sizes = new LinkedHashMap<>();
    uniques.keySet().forEach(t -> sizes.put(t, new long[2]));
    try (BatchStream batches = data.train().epoch(2019L, 1, batch, 0)) {
      for (int i = 0; i < probes; i++) {
        LabeledBatch b = batches.next();
        try (BatchTensors inputs = new BatchTensors(data.layout(), b.inputs())) {
          Session.Runner runner = inputs.feedByName(replica.session().runner());
          List<String> order = new ArrayList<>(uniques.keySet());
          for (String t : order) {
            runner.fetch(uniques.get(t).output(0)).fetch(uniques.get(t).output(1));
          }
          try (Result r = runner.run()) {
            for (int k = 0; k < order.size(); k++) {
              sizes.get(order.get(k))[0] += r.get(2 * k + 1).shape().size();
              sizes.get(order.get(k))[1] += r.get(2 * k).shape().size();
            }
          }
        }
      }
    } catch (Exception e) {
      throw new IllegalStateException("counting the rows a step looks up failed", e);
    }
    Map<String, Table> tables = new LinkedHashMap<>();
    long total = 2 * dense * FLOAT_BYTES;
    for (Map.Entry<String, long[]> e : sizes.entrySet()) {
      long width = widths.get(e.getKey());
      double lookups = e.getValue()[0] / (double) probes;
      double distinct = e.getValue()[1] / (double) probes;
      double rows = lookups + TOUCHED_PASSES * distinct;
      long bytes = Math.round(rows * (width * FLOAT_BYTES + ID_BYTES));
      tables.put(e.getKey(), new Table(width, lookups, distinct, bytes));
      total += bytes;
    }
    return new StepTraffic(tables, dense, total);
  }

  /** Each table's Unique op (in its {@code <table>.touched} scope); every table must have one (row-wise updates). */
  private static Map<String, GraphOperation> uniques(Replica replica, Iterable<String> tables) {
    Map<String, GraphOperation> found = new LinkedHashMap<>();
    List<GraphOperation> all = new ArrayList<>();
    for (Iterator<GraphOperation> it = replica.graph().graph().operations(); it.hasNext(); ) {
      GraphOperation op = it.next();
      if (op.type().startsWith("Unique")) {
        all.add(op);
      }
    }
    for (String table : tables) {
      GraphOperation op = all.stream().filter(o -> o.name().contains(table + ".touched/")).findFirst()
          .orElseThrow(() -> new IllegalStateException("table " + table + " has no Unique op in a .touched scope "
              + "(the analytic count needs row-wise embedding updates); the graph's Unique ops: "
              + all.stream().map(GraphOperation::name).toList()));
      found.put(table, op);
    }
    return found;
  }
}
