package io.dlf.dsl.export;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Tells the export's storage failures (no room, a folder it may not write) from the rest. Java
 * reports some by type, but TensorFlow's native writes (the SavedModel's variables) report the
 * operating system's error only as its text, e.g. "...; No space left on device", so both are read.
 */
final class StorageFailures {
  private StorageFailures() {}

  /**
   * The storage failure {@code error} is, said in words; empty for any other failure (and when
   * the free space cannot be read either: then {@code error} carries that too, suppressed).
   */
  static Optional<ExportStorageException> of(Throwable error, Path folder, long neededBytes, FreeSpace freeSpace) {
    Optional<Match> match = match(error);
    if (match.isEmpty()) {
      return Optional.empty();
    }
    String source = describe(match.get().source());
    long free;
    try {
      free = freeSpace.usableBytes(folder);
    } catch (IOException e) {
      error.addSuppressed(e);
      return Optional.empty();
    }
    return Optional.of(switch (match.get().kind()) {
      case NO_SPACE -> ExportStorageException.noSpace(folder, neededBytes, free, error);
      case PERMISSION -> ExportStorageException.notWritable(folder, neededBytes, free, "permission denied for "
          + "user " + System.getProperty("user.name") + " (" + source + ")", error);
      case READ_ONLY -> ExportStorageException.notWritable(folder, neededBytes, free, "it is on a read-only "
          + "file system", error);
      case NOT_A_FOLDER -> ExportStorageException.notWritable(folder, neededBytes, free, source
          + " is in the way: a file where a folder must be", error);
    });
  }

  private enum Kind { NO_SPACE, PERMISSION, READ_ONLY, NOT_A_FOLDER }

  /** What failed, and the error (in {@code error}'s causes) that said so. */
  private record Match(Kind kind, Throwable source) {}

  private static Optional<Match> match(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      Optional<Kind> kind = kindOf(t);
      if (kind.isPresent()) {
        return Optional.of(new Match(kind.get(), t));
      }
    }
    return Optional.empty();
  }

  private static Optional<Kind> kindOf(Throwable error) {
    if (error instanceof AccessDeniedException) {
      return Optional.of(Kind.PERMISSION);
    }
    if (error instanceof FileAlreadyExistsException || error instanceof NotDirectoryException) {
      return Optional.of(Kind.NOT_A_FOLDER);
    }
    String message = String.valueOf(error.getMessage());
    if (message.contains("No space left on device") || message.contains("Disk quota exceeded")) {
      return Optional.of(Kind.NO_SPACE);
    }
    if (message.contains("Read-only file system")) {
      return Optional.of(Kind.READ_ONLY);
    }
    if (message.contains("Permission denied") || message.contains("Operation not permitted")) {
      return Optional.of(Kind.PERMISSION);
    }
    if (message.contains("Not a directory")) {
      return Optional.of(Kind.NOT_A_FOLDER);
    }
    return Optional.empty();
  }

  /** The file a Java file system error names, else the error's first line (never TensorFlow's hints). */
  private static String describe(Throwable error) {
    if (error instanceof FileSystemException e && e.getFile() != null) {
      return e.getFile();
    }
    String message = String.valueOf(error.getMessage());
    int end = message.indexOf('\n');
    return end < 0 ? message : message.substring(0, end);
  }
}
