package io.dlf.trainer.encode;

import io.dlf.proto.train.v1.SourceFile;
import io.dlf.trainer.data.DataException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/** A source file's identity (size, modification time, CRC32C) and the check that it did not change since. */
final class SourceFiles {
  private SourceFiles() {}

  /** Reads {@code file} through once for its CRC32C. */
  static SourceFile fingerprint(Path file) {
    try {
      long size = Files.size(file);
      long modified = Files.getLastModifiedTime(file).toMillis();
      CRC32C crc = new CRC32C();
      byte[] buffer = new byte[1 << 20];
      try (InputStream in = Files.newInputStream(file)) {
        int n;
        while ((n = in.read(buffer)) > 0) {
          crc.update(buffer, 0, n);
        }
      }
      SourceFile before = SourceFile.newBuilder().setPath(file.toString()).setSizeBytes(size)
          .setModifiedMillis(modified).setCrc32C((int) crc.getValue()).build();
      checkUnchanged(before);
      return before;
    } catch (NoSuchFileException e) {
      throw new DataException(file, 0, "no such file");
    } catch (IOException e) {
      throw new DataException(file, 0, "cannot be read: " + e.getMessage());
    }
  }

  /** @throws DataException if the file's size or modification time is no longer {@code before}'s */
  static void checkUnchanged(SourceFile before) {
    Path file = Path.of(before.getPath());
    long size;
    long modified;
    try {
      size = Files.size(file);
      modified = Files.getLastModifiedTime(file).toMillis();
    } catch (IOException e) {
      throw new DataException(file, 0, "changed while the data was prepared: it can no longer be read ("
          + e.getMessage() + ")");
    }
    if (size != before.getSizeBytes() || modified != before.getModifiedMillis()) {
      throw new DataException(file, 0, "changed while the data was prepared (" + before.getSizeBytes() + " bytes "
          + "modified at " + before.getModifiedMillis() + " ms, now " + size + " bytes modified at " + modified
          + " ms); nothing prepared from it is kept: submit the job again once the file is complete");
    }
  }
}
