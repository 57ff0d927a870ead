package io.dlf.bench;

import io.dlf.dsl.compile.Parameters;
import io.dlf.trainer.training.Replica;
import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Result;

/**
 * Where a cluster's embedding tables live, read back from the cluster: each partition's device as
 * placed in the graph and its rows as a session fetches them from that device.
 */
final class TablePartitions {
  private TablePartitions() {}

  /** One partition: its variable, its device and the rows fetched from it. */
  record Partition(String variable, String device, long rows) {}

  /** Every embedding partition of {@code replica}'s graph, fetched through its session. */
  static List<Partition> read(Replica replica) {
    List<Partition> out = new ArrayList<>();
    for (Parameters.Parameter p : replica.graph().parameters().ofKind(Parameters.Kind.EMBEDDING)) {
      String device = replica.graph().graph().operation(p.name()).device();
      try (Result r = replica.session().runner().fetch(p.name()).run()) {
        out.add(new Partition(p.name(), device, r.get(0).shape().get(0)));
      }
    }
    return out;
  }
}
