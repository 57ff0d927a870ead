package io.dlf.trainer.encode;

import io.dlf.proto.train.v1.Shard;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.zip.CRC32C;

/**
 * Writes a split's encoded rows as shards {@code <split>-00000.bin}, ... of at most
 * {@link #MAX_SHARD_ROWS} rows (or fewer if asked) and {@link #MAX_SHARD_BYTES} bytes each, with each
 * shard's CRC32C.
 */
final class ShardWriter implements AutoCloseable {
  static final int MAX_SHARD_ROWS = 1 << 20;
  static final int MAX_SHARD_BYTES = 64 << 20;
  private static final int BUFFER_BYTES = 1 << 20;

  private final Path dir;
  private final String split;
  private final int rowBytes;
  private final int shardRows;
  private final ByteBuffer buffer;
  private final List<Shard> shards = new ArrayList<>();
  private final CRC32C crc = new CRC32C();
  private FileChannel channel;
  private String file;
  private long rowsInShard;
  private long bytesWritten;

  ShardWriter(Path dir, String split, int rowBytes, int maxShardRows) {
    this.dir = dir;
    this.split = split;
    this.rowBytes = rowBytes;
    this.shardRows = Math.max(1, Math.min(maxShardRows, MAX_SHARD_BYTES / rowBytes));
    this.buffer = ByteBuffer.allocate(Math.max(rowBytes, BUFFER_BYTES / rowBytes * rowBytes))
        .order(ByteOrder.LITTLE_ENDIAN);
  }

  /** Appends a row. @throws UncheckedIOException if it cannot be written (a full disk) */
  void add(EncodedRow row) {
    try {
      if (channel == null) {
        file = String.format(Locale.ROOT, "%s-%05d.bin", split, shards.size());
        channel = FileChannel.open(dir.resolve(file), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
      }
      if (buffer.remaining() < rowBytes) {
        flush();
      }
      row.writeTo(buffer);
      rowsInShard++;
      if (rowsInShard == shardRows) {
        closeShard();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Bytes of the shards so far, buffered rows included. */
  long bytes() {
    return bytesWritten + buffer.position();
  }

  /** Closes the last shard; the shards in row order. */
  List<Shard> finish() throws IOException {
    if (channel != null) {
      closeShard();
    }
    return List.copyOf(shards);
  }

  @Override
  public void close() throws IOException {
    if (channel != null) {
      channel.close();
    }
  }

  private void flush() throws IOException {
    buffer.flip();
    crc.update(buffer.duplicate());
    while (buffer.hasRemaining()) {
      bytesWritten += channel.write(buffer);
    }
    buffer.clear();
  }

  private void closeShard() throws IOException {
    flush();
    long size = channel.size();
    channel.force(false);
    channel.close();
    channel = null;
    shards.add(Shard.newBuilder().setFile(file).setRows(rowsInShard).setSizeBytes(size)
        .setCrc32C((int) crc.getValue()).build());
    crc.reset();
    rowsInShard = 0;
  }
}
