package io.dlf.dsl.repository;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.util.JsonFormat;
import io.dlf.proto.model.v1.ModelLabels;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * A model's labels file, {@code <repository>/<model>/labels.json}: {@code dlf.model.v1.ModelLabels}
 * in its proto JSON form, the labels every serving server of the repository routes by. A change is
 * read, applied and written under the model's lock, with the next generation, and lands by an
 * atomic rename, so readers never see half a file and concurrent writers (other processes
 * included) never lose each other's change.
 */
public final class LabelsFile {
  public static final String NAME = "labels.json";
  public static final int FORMAT_VERSION = 1;
  private static final String TEMP_PREFIX = "." + NAME + "-";
  private static final String TEMP_SUFFIX = ".tmp";
  /** Letters, digits, '_' and '-', starting with a letter or '_' so that a label never reads as a number. */
  private static final Pattern LABEL = Pattern.compile("[A-Za-z_][A-Za-z0-9_-]{0,63}");

  private final ModelRepository repository;

  public LabelsFile(ModelRepository repository) {
    this.repository = requireNonNull(repository, "repository is null");
  }

  /** Throws IllegalArgumentException saying what is wrong with a label name. */
  public static void checkLabel(String label) {
    requireNonNull(label, "label is null");
    if (!LABEL.matcher(label).matches()) {
      throw new IllegalArgumentException("label '" + label + "' must be 1-64 letters, digits, '_' or '-', "
          + "starting with a letter or '_'");
    }
  }

  public Path path(String model) {
    return repository.modelDir(model).resolve(NAME);
  }

  /**
   * The model's labels; empty when it has no labels file.
   *
   * @throws IOException naming the file and what is wrong with it, when it cannot be read or is not valid
   */
  public Optional<ModelLabels> read(String model) throws IOException {
    Path file = path(model);
    ModelLabels labels;
    try {
      labels = VersionFiles.readJson(file, ModelLabels.newBuilder()).build();
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
    List<String> problems = problems(labels);
    if (!problems.isEmpty()) {
      throw new IOException(file + " is not valid: " + String.join("; ", problems));
    }
    return Optional.of(labels);
  }

  /**
   * Changes the model's labels: under the model's lock, reads the file (or starts from
   * {@code initial} when there is none), lets {@code change} edit the labels, and writes them with
   * the next generation. {@code change} may throw to leave the file as it is.
   *
   * @return what was written
   * @throws IOException when the file is not valid (it is left for a person to look at) or cannot be written
   */
  public ModelLabels update(String model, Map<String, Long> initial, Consumer<Map<String, Long>> change)
      throws IOException {
    return repository.locked(model, () -> {
      Optional<ModelLabels> current = read(model);
      Map<String, Long> labels = new TreeMap<>(current.map(ModelLabels::getLabelsMap).orElse(initial));
      change.accept(labels);
      ModelLabels next = ModelLabels.newBuilder()
          .setFormatVersion(FORMAT_VERSION)
          .setGeneration(current.map(ModelLabels::getGeneration).orElse(0L) + 1)
          .putAllLabels(labels)
          .setUpdatedAt(Instant.now().toString())
          .build();
      List<String> problems = problems(next);
      if (!problems.isEmpty()) {
        throw new IllegalArgumentException(String.join("; ", problems));
      }
      Path file = path(model);
      deleteLeftovers(file.getParent());
      write(file, next);
      return next;
    });
  }

  /** Writes aside, flushes to the disk, then renames over the file: a reader sees the old file or the new one. */
  private static void write(Path file, ModelLabels labels) throws IOException {
    byte[] json = (JsonFormat.printer().preservingProtoFieldNames().sortingMapKeys().print(labels) + "\n")
        .getBytes(StandardCharsets.UTF_8);
    Path temp = Files.createTempFile(file.getParent(), TEMP_PREFIX, TEMP_SUFFIX);
    try {
      try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        ByteBuffer buffer = ByteBuffer.wrap(json);
        while (buffer.hasRemaining()) {
          channel.write(buffer);
        }
        channel.force(true);
      }
      Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /** Temporary files of writers killed before their rename: only a writer holding the lock makes one, and we hold it. */
  private static void deleteLeftovers(Path dir) throws IOException {
    try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(dir, TEMP_PREFIX + "*" + TEMP_SUFFIX)) {
      for (Path leftover : leftovers) {
        Files.deleteIfExists(leftover);
      }
    }
  }

  private static List<String> problems(ModelLabels labels) {
    List<String> problems = new ArrayList<>();
    if (labels.getFormatVersion() > FORMAT_VERSION) {
      problems.add("format_version " + labels.getFormatVersion() + " is newer than this program reads ("
          + FORMAT_VERSION + ")");
    }
    if (labels.getGeneration() < 1) {
      problems.add("generation must be at least 1, not " + labels.getGeneration());
    }
    labels.getLabelsMap().forEach((label, version) -> {
      try {
        checkLabel(label);
      } catch (IllegalArgumentException e) {
        problems.add(e.getMessage());
      }
      if (version < 1) {
        problems.add("label '" + label + "' must point at a version of at least 1, not " + version);
      }
    });
    return problems;
  }
}
