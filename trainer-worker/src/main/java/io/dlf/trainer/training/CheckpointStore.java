package io.dlf.trainer.training;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.dlf.proto.train.v1.TrainingState;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.tensorflow.Session;

/**
 * A run's work folder: {@code state.json} and the checkpoint folders it names. A checkpoint is
 * written in full before the state that points at it is replaced (by an atomic rename), and only
 * then are checkpoints no longer named removed, so a crash at any moment leaves a consistent pair.
 */
final class CheckpointStore {
  static final int FORMAT_VERSION = 1;
  private static final String STATE = "state.json";
  private static final String CHECKPOINTS = "checkpoints";

  private final Path dir;

  CheckpointStore(Path dir) {
    this.dir = dir;
  }

  Optional<TrainingState> load() throws IOException {
    Path file = dir.resolve(STATE);
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    TrainingState.Builder state = TrainingState.newBuilder();
    try {
      JsonFormat.parser().merge(Files.readString(file, StandardCharsets.UTF_8), state);
    } catch (InvalidProtocolBufferException e) {
      throw new IOException(file + " is not a training state: " + e.getMessage(), e);
    }
    if (state.getFormatVersion() != FORMAT_VERSION) {
      throw new IOException(file + ": format_version " + state.getFormatVersion() + " is not " + FORMAT_VERSION);
    }
    return Optional.of(state.build());
  }

  /** Saves the session's variables as checkpoint {@code name}; returns its prefix relative to the folder. */
  String save(Session session, String name) throws IOException {
    Path folder = dir.resolve(CHECKPOINTS).resolve(name);
    if (Files.exists(folder)) {
      deleteRecursively(folder);
    }
    Files.createDirectories(folder);
    session.save(folder.resolve("model").toString());
    return CHECKPOINTS + "/" + name + "/model";
  }

  /** Replaces the state, then removes checkpoints the new state no longer names. */
  void commit(TrainingState state) throws IOException {
    Files.createDirectories(dir);
    Path temp = dir.resolve(STATE + ".tmp");
    Files.writeString(temp, JsonFormat.printer().preservingProtoFieldNames().print(state), StandardCharsets.UTF_8);
    Files.move(temp, dir.resolve(STATE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    Set<String> kept = new HashSet<>(List.of(folderOf(state.getLastCheckpoint()), folderOf(state.getBestCheckpoint())));
    Path checkpoints = dir.resolve(CHECKPOINTS);
    if (Files.isDirectory(checkpoints)) {
      try (Stream<Path> folders = Files.list(checkpoints)) {
        for (Path folder : folders.toList()) {
          if (!kept.contains(folder.getFileName().toString())) {
            deleteRecursively(folder);
          }
        }
      }
    }
  }

  String absolute(String relativePrefix) {
    return dir.resolve(relativePrefix).toString();
  }

  private static String folderOf(String prefix) {
    String[] parts = prefix.split("/");
    return parts.length >= 2 ? parts[1] : "";
  }

  private static void deleteRecursively(Path path) throws IOException {
    try (Stream<Path> walk = Files.walk(path)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
