package io.dlf.trainer.encode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The bytes this process may still write into a folder's file system. */
@FunctionalInterface
public interface FreeSpace {
  FreeSpace OF_FILE_STORE = dir -> Files.getFileStore(dir).getUsableSpace();

  long usableBytes(Path dir) throws IOException;
}
