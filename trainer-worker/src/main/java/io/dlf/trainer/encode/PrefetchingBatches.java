package io.dlf.trainer.encode;

import io.dlf.dsl.plan.ResourceEstimate;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Batches assembled on a reader thread of their own that stays up to {@link
 * ResourceEstimate#BATCHES_AHEAD} batches ahead of the consumer. An error on the reader thread is thrown by the consumer's next {@link #next()},
 * after the batches that came before it and before any that would have come after.
 */
final class PrefetchingBatches implements BatchStream {
  /** Sends a split's rows, in the order they are to be trained on, to a visitor. */
  @FunctionalInterface
  interface RowSource {
    void send(RowVisitor visitor) throws InterruptedException;
  }

  /** A batch, the end (both null) or the error that ended the reading. */
  private record Item(LabeledBatch batch, RuntimeException error) {}

  private static final Item END = new Item(null, null);

  private final BlockingQueue<Item> queue = new ArrayBlockingQueue<>(ResourceEstimate.BATCHES_AHEAD);
  private final ExecutorService reader = Executors.newSingleThreadExecutor(task -> {
    Thread thread = new Thread(task, "shard-reader");
    thread.setDaemon(true);
    return thread;
  });
  private boolean ended;

  /** Starts reading: batches of {@code batchSize} rows, leaving out the first {@code skipRows}. */
  PrefetchingBatches(RowFormat format, int batchSize, long skipRows, RowSource source) {
    reader.execute(() -> {
      try {
        try {
          BatchBuilder builder = new BatchBuilder(format, batchSize);
          long[] skip = {skipRows};
          source.send((rows, offset) -> {
            if (skip[0] > 0) {
              skip[0]--;
              return;
            }
            builder.add(rows, offset);
            if (builder.isFull()) {
              queue.put(new Item(builder.build(), null));
            }
          });
          if (!builder.isEmpty()) {
            queue.put(new Item(builder.build(), null));
          }
          queue.put(END);
        } catch (RuntimeException e) {
          queue.put(new Item(null, e));
        }
      } catch (InterruptedException e) {
        // closed: nobody takes what is left
      }
    });
  }

  @Override
  public LabeledBatch next() {
    if (ended) {
      return null;
    }
    Item item;
    try {
      item = queue.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CancellationException("interrupted while waiting for the next batch");
    }
    if (item.batch() != null) {
      return item.batch();
    }
    ended = true;
    if (item.error() != null) {
      throw item.error();
    }
    return null;
  }

  @Override
  public void close() {
    reader.shutdownNow();
  }
}
