package io.dlf.bench;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.tensorflow.proto.AllocationRecord;
import org.tensorflow.proto.AllocatorMemoryUsed;
import org.tensorflow.proto.NodeExecStats;
import org.tensorflow.proto.StepStats;

/**
 * TensorFlow's allocation records of one traced step ({@code FULL_TRACE}), replayed in time order:
 * the peak of the bytes its kernels held at once, and which nodes' tensors made up that peak.
 * Allocations outside kernels (fed tensors, variables) are not in the records.
 */
record StepMemory(long peakBytes, long peakMicros, long allocatedBytes, Map<String, Long> liveAtPeakByNode,
    Map<String, Long> allocatorPeakBytes) {

  /** One allocation (positive) or release (negative) of {@code node}'s kernel. */
  private record Event(String node, long micros, long bytes) {}

  static StepMemory of(StepStats stats) {
    List<Event> events = new ArrayList<>();
    Map<String, Long> allocatorPeaks = new HashMap<>();
    for (var device : stats.getDevStatsList()) {
      for (NodeExecStats node : device.getNodeStatsList()) {
        for (AllocatorMemoryUsed used : node.getMemoryList()) {
          allocatorPeaks.merge(used.getAllocatorName(), used.getAllocatorBytesInUse(), Math::max);
          for (AllocationRecord record : used.getAllocationRecordsList()) {
            events.add(new Event(node.getNodeName(), record.getAllocMicros(), record.getAllocBytes()));
          }
        }
      }
    }
    // releases before allocations at the same microsecond, so that a peak is never overstated
    events.sort(Comparator.comparingLong(Event::micros).thenComparingLong(Event::bytes));
    long live = 0;
    long peak = 0;
    long peakAt = 0;
    long allocated = 0;
    int peakIndex = -1;
    for (int i = 0; i < events.size(); i++) {
      live += events.get(i).bytes();
      allocated += Math.max(0, events.get(i).bytes());
      if (live > peak) {
        peak = live;
        peakAt = events.get(i).micros();
        peakIndex = i;
      }
    }
    Map<String, Long> byNode = new HashMap<>();
    for (int i = 0; i <= peakIndex; i++) {
      byNode.merge(events.get(i).node(), events.get(i).bytes(), Long::sum);
    }
    byNode.values().removeIf(bytes -> bytes <= 0);
    return new StepMemory(peak, peakAt, allocated, byNode, allocatorPeaks);
  }

  /** The bytes live at the peak, grouped by {@code key} of the allocating node's name. */
  Map<String, Long> liveAtPeakBy(Function<String, String> key) {
    Map<String, Long> grouped = new HashMap<>();
    liveAtPeakByNode.forEach((node, bytes) -> grouped.merge(key.apply(node), bytes, Long::sum));
    return grouped;
  }
}
