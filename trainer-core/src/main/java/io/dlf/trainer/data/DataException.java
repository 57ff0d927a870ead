package io.dlf.trainer.data;

import java.nio.file.Path;

/** A data file that cannot be read as its schema says, with the file and 1-based line (0: the file as a whole). */
public final class DataException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String file;
  private final long line;

  public DataException(Path file, long line, String problem) {
    super(file + (line > 0 ? ":" + line : "") + ": " + problem);
    this.file = file.toString();
    this.line = line;
  }

  public String file() {
    return file;
  }

  public long line() {
    return line;
  }
}
