package io.dlf.trainer.server.submit;

import io.dlf.server.GrpcErrors;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The folders a trainer reads data from, and nothing else. A path is allowed when it lies under a
 * root both as written (after removing {@code ..}) and after following symbolic links.
 */
public final class DataRoots {
  private final List<Path> roots;

  /** @throws IllegalArgumentException if a root is not an existing folder */
  public DataRoots(List<Path> roots) {
    List<Path> real = new ArrayList<>();
    for (Path root : roots) {
      if (!Files.isDirectory(root)) {
        throw new IllegalArgumentException("data root " + root.toAbsolutePath() + " is not a folder");
      }
      try {
        real.add(root.toRealPath());
      } catch (IOException e) {
        throw new UncheckedIOException("data root " + root + " cannot be resolved", e);
      }
    }
    this.roots = List.copyOf(real);
  }

  public List<Path> roots() {
    return roots;
  }

  /**
   * The readable file {@code path} names: absolute, or relative to the first root that has it.
   *
   * @param field the request field, for error messages
   * @throws io.grpc.StatusRuntimeException PERMISSION_DENIED outside the roots, NOT_FOUND if
   *     missing, INVALID_ARGUMENT if not a readable file
   */
  public Path resolveFile(String field, String path) {
    if (path.isBlank()) {
      throw GrpcErrors.invalidArgument(field, "required: a data file under one of the data roots " + roots);
    }
    Path given;
    try {
      given = Path.of(path);
    } catch (InvalidPathException e) {
      throw GrpcErrors.invalidArgument(field, "'" + path + "' is not a valid path: " + e.getReason());
    }
    List<Path> candidates = given.isAbsolute()
        ? List.of(given.normalize())
        : roots.stream().map(root -> root.resolve(given).normalize()).toList();
    for (Path candidate : candidates) {
      if (!inside(candidate)) {
        throw outside(field, path, "");
      }
      if (Files.exists(candidate)) {
        Path real = realPath(candidate);
        if (!inside(real)) {
          throw outside(field, path, " (it leads to " + real + " through a symbolic link)");
        }
        if (!Files.isRegularFile(real) || !Files.isReadable(real)) {
          throw GrpcErrors.invalidArgument(field, real + " is not a readable file");
        }
        return real;
      }
    }
    throw GrpcErrors.notFound("FILE_NOT_FOUND", field + ": " + path + " does not exist"
        + (given.isAbsolute() ? "" : " under any data root " + roots));
  }

  /** The first root under which every one of {@code relativePaths} is a file. */
  public Optional<Path> rootHolding(List<String> relativePaths) {
    return roots.stream()
        .filter(root -> relativePaths.stream().allMatch(p -> {
          Path file = root.resolve(p).normalize();
          return Files.isRegularFile(file) && inside(realPath(file));
        }))
        .findFirst();
  }

  private boolean inside(Path path) {
    return roots.stream().anyMatch(path::startsWith);
  }

  private static Path realPath(Path path) {
    try {
      return path.toRealPath();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private io.grpc.StatusRuntimeException outside(String field, String path, String detail) {
    return GrpcErrors.permissionDenied("OUTSIDE_DATA_ROOTS", field + ": " + path + detail
        + " is outside the trainer's data roots " + roots
        + "; put the data under one of them, or start the trainer with --data-root for its folder");
  }
}
