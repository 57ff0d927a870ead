package io.dlf.trainer.encode;

import java.nio.file.Path;

/** Preparing the data needs more room than the prepared-data folder's disk has; nothing half-written is kept. */
public final class PreparationSpaceException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient Path folder;
  private final long neededBytes;
  private final long freeBytes;

  PreparationSpaceException(Path folder, long neededBytes, long freeBytes, Throwable cause) {
    super("preparing the data needs about " + neededBytes + " bytes in " + folder + ", which has " + freeBytes
        + " bytes free" + (cause != null ? " (writing failed: " + cause.getMessage() + ")" : ""), cause);
    this.folder = folder;
    this.neededBytes = neededBytes;
    this.freeBytes = freeBytes;
  }

  public Path folder() {
    return folder;
  }

  public long neededBytes() {
    return neededBytes;
  }

  public long freeBytes() {
    return freeBytes;
  }
}
