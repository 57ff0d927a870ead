package io.dlf.dsl.compile;

import io.dlf.dsl.encode.EncodedBatch;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.tensorflow.Session;
import org.tensorflow.types.TFloat32;

/**
 * A batch's tensors for a training graph's towers (its workers' shares, their micro-batches), each
 * tower fed its consecutive part of {@link #partRows} rows. Tensors live off-heap: close this after the run.
 */
public final class TowerFeeds implements AutoCloseable {
  private final List<TrainingGraph.Feed> feeds;
  private final List<BatchTensors> inputs = new ArrayList<>();
  private final List<TFloat32> labels = new ArrayList<>();

  public TowerFeeds(TrainingGraph graph, FieldLayout layout, EncodedBatch batch, float[] batchLabels) {
    this.feeds = graph.feeds();
    try {
      int from = 0;
      for (int rows : partRows(batch.size(), feeds.size())) {
        inputs.add(new BatchTensors(layout, feeds.size() == 1 ? batch : batch.rows(from, from + rows)));
        labels.add(TFloat32.vectorOf(Arrays.copyOfRange(batchLabels, from, from + rows)));
        from += rows;
      }
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  /** {@code rows} shared out in {@code parts} as evenly as possible, the first parts one row larger (a part may be empty). */
  public static int[] partRows(int rows, int parts) {
    if (parts < 1) {
      throw new IllegalArgumentException("a batch splits into at least one part, got " + parts);
    }
    int[] out = new int[parts];
    for (int p = 0; p < parts; p++) {
      out[p] = rows / parts + (p < rows % parts ? 1 : 0);
    }
    return out;
  }

  /** Feeds every tower its inputs and labels. */
  public Session.Runner feed(Session.Runner runner) {
    for (int t = 0; t < feeds.size(); t++) {
      inputs.get(t).feedByName(runner, feeds.get(t).scope()).feed(feeds.get(t).labels(), labels.get(t));
    }
    return runner;
  }

  @Override
  public void close() {
    inputs.forEach(BatchTensors::close);
    labels.forEach(TFloat32::close);
  }
}
