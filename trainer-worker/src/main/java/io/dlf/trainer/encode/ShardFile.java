package io.dlf.trainer.encode;

import io.dlf.proto.train.v1.Shard;
import io.dlf.trainer.data.DataException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * Reads a whole shard, checked against its manifest entry before any row of it is used. A shard that
 * is not as its manifest says is a {@link DataException} naming it: nothing of it is trained on.
 */
final class ShardFile {
  private ShardFile() {}

  private static DataException corrupt(Path shard, String problem) {
    return new DataException(shard, 0, problem + "; the prepared data in " + shard.getParent() + " is damaged: "
        + "remove that folder and the job prepares the data again");
  }

  /** @throws DataException unless the shard is there and the size its manifest says */
  static void checkSize(Path dir, Shard shard) {
    Path file = dir.resolve(shard.getFile());
    long size;
    try {
      size = Files.size(file);
    } catch (NoSuchFileException e) {
      throw corrupt(file, "is missing");
    } catch (IOException e) {
      throw corrupt(file, "cannot be read: " + e.getMessage());
    }
    if (size != shard.getSizeBytes()) {
      throw corrupt(file, "is " + size + " bytes, the manifest says " + shard.getSizeBytes()
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
      throw corrupt(file, "cannot be read: " + e.getMessage());
    }
    if (bytes.length != shard.getSizeBytes()) {
      throw corrupt(file, "is " + bytes.length + " bytes, the manifest says " + shard.getSizeBytes());
    }
    CRC32C crc = new CRC32C();
    crc.update(bytes);
    int actual = (int) crc.getValue();
    if (actual != shard.getCrc32C()) {
      throw corrupt(file, String.format("has CRC32C %08x, the manifest says %08x (corrupted)",
          actual, shard.getCrc32C()));
    }
    return bytes;
  }
}
