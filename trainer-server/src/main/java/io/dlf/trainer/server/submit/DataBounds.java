package io.dlf.trainer.server.submit;

import io.dlf.dsl.plan.DataSize;
import io.dlf.dsl.plan.ModelPlan;
import io.dlf.trainer.data.DataFormat;
import io.dlf.trainer.data.DatasetSchema;
import io.dlf.trainer.data.DatasetSplits;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Upper bounds on what a dataset holds, from its files' sizes, before they are read: a split has
 * at most {@code (uncompressed bytes + 1) / shortest row} rows. The shortest row is what the
 * reader accepts with one-character cells: delimited files {@code columns + 1} bytes (a label
 * character, the separators, the line end), libFM {@code 3 x fields + 2} (a label character and
 * {@code " i:"} per field, the line end). A plain file's uncompressed size is its size; a gzip
 * file's is its ISIZE trailer (the size modulo 2^32 of its last member), raised by 4 GiB steps while
 * it is smaller than the compressed size allows (stored, incompressible data grows by at most 5
 * bytes per 16 KiB block and its header). That is exact for single-member files under 4 GiB, as
 * written by {@code gzip}; a concatenation of gzip members or a larger file may hold more rows than
 * bounded.
 */
public final class DataBounds {
  private static final long GIB4 = 1L << 32;

  private DataBounds() {}

  public static DataSize of(DatasetSchema schema, DatasetSplits splits, ModelPlan plan) throws IOException {
    long shortestRow = shortestRowBytes(schema);
    long trainBytes = uncompressedBytes(splits.train());
    return DataSize.bounded(plan, rows(trainBytes, shortestRow), trainBytes,
        rows(uncompressedBytes(splits.validation()), shortestRow), rows(uncompressedBytes(splits.test()), shortestRow));
  }

  private static long shortestRowBytes(DatasetSchema schema) {
    return schema.format() == DataFormat.LIBFM ? 3L * schema.columns().size() + 2 : schema.columns().size() + 1L;
  }

  private static long rows(long bytes, long shortestRow) {
    return (bytes + 1) / shortestRow;
  }

  private static long uncompressedBytes(Path file) throws IOException {
    long size = Files.size(file);
    if (size < 18 || !gzip(file)) {
      return size;
    }
    ByteBuffer trailer = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
    try (FileChannel channel = FileChannel.open(file)) {
      channel.read(trailer, size - 4);
    }
    long isize = Integer.toUnsignedLong(trailer.getInt(0));
    long overhead = 5 * (size / 16_384 + 1) + 1_024;
    while (isize + overhead < size) {
      isize += GIB4;
    }
    return isize;
  }

  private static boolean gzip(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return in.read() == 0x1f && in.read() == 0x8b;
    }
  }
}
