package io.dlf.trainer.encode;

import io.dlf.dsl.plan.ResourceEstimate;
import io.dlf.proto.train.v1.PreparedSplit;
import io.dlf.proto.train.v1.Shard;
import io.dlf.trainer.data.ReadReport;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * A split read from the shards of a prepared-data folder as it trains: an epoch takes the shards in
 * an order shuffled from (seed, epoch) and passes their rows through a seeded shuffle buffer of at
 * most {@link ResourceEstimate#SHUFFLE_BUFFER_BYTES}, as admission counts it; a reader thread stays a few batches ahead. Memory does not grow with
 * the split's rows. Every shard is checked (size, CRC32C) before any of its rows is used.
 */
public final class ShardedSplit implements EncodedSplit {
  private final Path dir;
  private final RowFormat format;
  private final PreparedSplit split;

  /** @throws io.dlf.trainer.data.DataException if a shard is missing or not its manifest's size */
  ShardedSplit(Path dir, RowFormat format, PreparedSplit split) {
    this.dir = dir;
    this.format = format;
    this.split = split;
    split.getShardsList().forEach(shard -> ShardFile.checkSize(dir, shard));
  }

  @Override
  public long size() {
    return split.getRows();
  }

  @Override
  public ReadReport report() {
    return new ReadReport(split.getSource().getPath(), split.getRows(), split.getSkippedRows(),
        split.getFirstProblemsList());
  }

  @Override
  public BatchStream epoch(long seed, int epoch, int batchSize, int first) {
    return new PrefetchingBatches(format, batchSize, (long) first * batchSize, visitor -> {
      Random random = new Random(seed * 1_000_003L + epoch);
      List<Shard> shards = new ArrayList<>(split.getShardsList());
      Collections.shuffle(shards, random);
      int rowBytes = format.rowBytes();
      int capacity = (int) Math.max(1, Math.min(split.getRows(), ResourceEstimate.SHUFFLE_BUFFER_BYTES / rowBytes));
      ShuffleBuffer buffer = new ShuffleBuffer(capacity, rowBytes, random, visitor);
      for (Shard shard : shards) {
        byte[] rows = ShardFile.read(dir, shard);
        for (int offset = 0; offset < rows.length; offset += rowBytes) {
          buffer.add(rows, offset);
        }
      }
      buffer.drain();
    });
  }

  @Override
  public BatchStream inOrder(int batchSize) {
    return new PrefetchingBatches(format, batchSize, 0, visitor -> {
      int rowBytes = format.rowBytes();
      for (Shard shard : split.getShardsList()) {
        byte[] rows = ShardFile.read(dir, shard);
        for (int offset = 0; offset < rows.length; offset += rowBytes) {
          visitor.row(rows, offset);
        }
      }
    });
  }
}
