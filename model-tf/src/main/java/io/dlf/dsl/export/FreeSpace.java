package io.dlf.dsl.export;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The bytes a folder's file system has free for new files (what the exporter checks before writing). */
@FunctionalInterface
public interface FreeSpace {

  long usableBytes(Path folder) throws IOException;

  /**
   * What the file system says, asked at the folder or, when it does not exist yet, at its nearest
   * existing parent (the folder will be created on that file system).
   */
  static FreeSpace ofFileSystem() {
    return folder -> {
      Path existing = folder.toAbsolutePath();
      while (!Files.exists(existing) && existing.getParent() != null) {
        existing = existing.getParent();
      }
      return Files.getFileStore(existing).getUsableSpace();
    };
  }
}
