package io.dlf.dsl.export;

import io.dlf.dsl.plan.ResourceEstimate;
import io.dlf.dsl.spec.Quoted;
import java.io.IOException;
import java.nio.file.Path;

/**
 * An export that could not write its version into the repository: no room there, or a folder it
 * may not write. Nothing of the export is left behind.
 */
public final class ExportStorageException extends IOException {
  private static final long serialVersionUID = 1L;

  public enum Reason {
    /** The file system has fewer bytes free than the version needs. */
    NO_SPACE,
    /** The folder cannot be written: permissions, a read-only file system, a file in the way. */
    NOT_WRITABLE
  }

  private final Reason reason;
  private final transient Path folder;
  private final long neededBytes;
  private final long freeBytes;

  private ExportStorageException(Reason reason, Path folder, long neededBytes, long freeBytes, String message,
      Throwable cause) {
    super(message, cause);
    this.reason = reason;
    this.folder = folder;
    this.neededBytes = neededBytes;
    this.freeBytes = freeBytes;
  }

  /** {@code folder}'s file system has {@code freeBytes}, fewer than the version's {@code neededBytes}. */
  static ExportStorageException noSpace(Path folder, long neededBytes, long freeBytes, Throwable cause) {
    return new ExportStorageException(Reason.NO_SPACE, folder, neededBytes, freeBytes, "not enough space in "
        + folder + " to export the model: the version needs about " + bytes(neededBytes) + " and "
        + bytes(freeBytes) + " are free there", cause);
  }

  /** {@code folder} cannot be written, for the reason {@code why} says in words. */
  static ExportStorageException notWritable(Path folder, long neededBytes, long freeBytes, String why,
      Throwable cause) {
    return new ExportStorageException(Reason.NOT_WRITABLE, folder, neededBytes, freeBytes, "cannot write the "
        + "export into " + folder + ": " + why + " (the version needs about " + bytes(neededBytes) + ", "
        + bytes(freeBytes) + " are free there)", cause);
  }

  public Reason reason() {
    return reason;
  }

  /** The model's folder in the repository, where the version was to appear. */
  public Path folder() {
    return folder;
  }

  /** The estimate of the version's size on disk. */
  public long neededBytes() {
    return neededBytes;
  }

  /** What the folder's file system had free when the export gave up. */
  public long freeBytes() {
    return freeBytes;
  }

  private static String bytes(long count) {
    return count < 1024 ? count + " bytes" : Quoted.count(count) + " bytes (" + ResourceEstimate.human(count) + ")";
  }
}
