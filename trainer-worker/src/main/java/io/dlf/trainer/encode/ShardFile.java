package io.dlf.trainer.encode;

import io.dlf.proto.train.v1.Shard;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/** Reads a whole shard, checked against its manifest entry before any row of it is used. */
final class ShardFile {
  private ShardFile() {}

  /** Its size as the manifest says, or a {@link CorruptShardException}. */
  static void checkSize(Path dir, Shard shard) {
    Path file = dir.resolve(shard.getFile());
    long size;
    try {
      size = Files.size(file);
    } catch (NoSuchFileException e) {
      throw new CorruptShardException(file, "is missing");
    } catch (IOException e) {
      throw new CorruptShardException(file, "cannot be read: " + e.getMessage());
    }
    if (size != shard.getSizeBytes()) {
      throw new CorruptShardException(file, "is " + size + " bytes, the manifest says " + shard.getSizeBytes()
          + " (" + (size < shard.getSizeBytes() ? "truncated" : "written over") + ")");
    }
  }

  /** Its bytes, once size and CRC32C match the manifest. */
  static byte[] read(Path dir, Shard shard) {
    checkSize(dir, shard);
    Path file = dir.resolve(shard.getFile());
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new CorruptShardException(file, "cannot be read: " + e.getMessage());
    }
    if (bytes.length != shard.getSizeBytes()) {
      throw new CorruptShardException(file, "is " + bytes.length + " bytes, the manifest says " + shard.getSizeBytes());
    }
    CRC32C crc = new CRC32C();
    crc.update(bytes);
    int actual = (int) crc.getValue();
    if (actual != shard.getCrc32C()) {
      throw new CorruptShardException(file, String.format("has CRC32C %08x, the manifest says %08x (corrupted)",
          actual, shard.getCrc32C()));
    }
    return bytes;
  }
}
