package io.dlf.bench;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.tensorflow.proto.NodeExecStats;
import org.tensorflow.proto.StepStats;

/** One traced run's op times, summed over the threads that ran them, by op type and by op. */
final class OpTimes {
  private final Map<String, Long> byType = new HashMap<>();
  private final Map<String, Long> byNode = new HashMap<>();
  private long micros;
  private int ops;

  private OpTimes() {}

  /** The times in {@code stats}, each op's type given by {@code typeOf}. */
  static OpTimes of(StepStats stats, Function<NodeExecStats, String> typeOf) {
    OpTimes times = new OpTimes();
    for (var device : stats.getDevStatsList()) {
      for (NodeExecStats node : device.getNodeStatsList()) {
        long span = node.getOpEndRelMicros() - node.getOpStartRelMicros();
        String type = typeOf.apply(node);
        times.byType.merge(type, span, Long::sum);
        times.byNode.merge(node.getNodeName() + " (" + type + ")", span, Long::sum);
        times.micros += span;
        times.ops++;
      }
    }
    return times;
  }

  /** The type named by a node's timeline label, {@code "name = Type(inputs)"}, or the label's first word. */
  static String labelledType(NodeExecStats node) {
    String label = node.getTimelineLabel();
    int equals = label.indexOf(" = ");
    if (equals < 0) {
      return label.split(" ")[0];
    }
    int open = label.indexOf('(', equals);
    return label.substring(equals + 3, open < 0 ? label.length() : open);
  }

  /** Prints the total and the {@code top} largest types and ops. */
  void print(int top) {
    System.out.printf("op time summed over threads: %.3fs in %d ops%n", micros / 1e6, ops);
    print("by op type", byType, top);
    print("by op", byNode, top);
  }

  private void print(String title, Map<String, Long> times, int top) {
    System.out.println("-- " + title);
    List<Map.Entry<String, Long>> sorted = times.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(top).toList();
    for (Map.Entry<String, Long> e : sorted) {
      System.out.printf("%8.3f ms %5.1f%%  %s%n", e.getValue() / 1e3, 100.0 * e.getValue() / micros, e.getKey());
    }
  }
}
