package io.dlf.trainer.training;

import static java.util.Objects.requireNonNull;

import io.dlf.dsl.encode.Vocabularies;
import io.dlf.dsl.repository.VersionFiles;
import io.dlf.proto.model.v1.TrainingMetrics;
import io.dlf.proto.train.v1.TrainedModelFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/**
 * What a finished training run leaves for its export: the vocabularies it encoded with, its
 * metrics and its best checkpoint. Kept in the work folder until the export succeeds, so an export
 * that failed (a full disk) can run again without reading the data or training.
 *
 * @param bestCheckpoint the best checkpoint's {@code Session.save} prefix
 */
public record TrainedModel(Vocabularies vocabularies, TrainingMetrics metrics, String bestCheckpoint) {
  private static final int FORMAT_VERSION = 1;
  private static final String FILE = "trained-model.json";
  private static final String VOCABULARIES = "trained-vocabularies.json";

  public TrainedModel {
    requireNonNull(vocabularies, "vocabularies is null");
    requireNonNull(metrics, "metrics is null");
    requireNonNull(bestCheckpoint, "bestCheckpoint is null");
  }

  /**
   * Keeps it in {@code workDir}, whose checkpoint store holds the best checkpoint: the
   * vocabularies first, then (by an atomic rename) the file that names the checkpoint, so the
   * model is there in full or not at all.
   */
  public void save(Path workDir) throws IOException {
    Files.writeString(workDir.resolve(VOCABULARIES), vocabularies.toJson(), StandardCharsets.UTF_8);
    Path temp = workDir.resolve(FILE + ".tmp");
    VersionFiles.writeJson(temp, TrainedModelFile.newBuilder()
        .setFormatVersion(FORMAT_VERSION)
        .setBestCheckpoint(workDir.toAbsolutePath().relativize(Path.of(bestCheckpoint).toAbsolutePath()).toString())
        .setMetrics(metrics)
        .build());
    Files.move(temp, workDir.resolve(FILE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  /** The model a finished run kept in {@code workDir}; empty if training has not finished there. */
  public static Optional<TrainedModel> load(Path workDir) throws IOException {
    Path file = workDir.resolve(FILE);
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    TrainedModelFile kept = VersionFiles.readJson(file, TrainedModelFile.newBuilder()).build();
    if (kept.getFormatVersion() != FORMAT_VERSION) {
      throw new IOException(file + ": format_version " + kept.getFormatVersion() + " is not " + FORMAT_VERSION);
    }
    Vocabularies vocabularies = Vocabularies.fromJson(Files.readString(workDir.resolve(VOCABULARIES),
        StandardCharsets.UTF_8));
    return Optional.of(new TrainedModel(vocabularies, kept.getMetrics(),
        workDir.resolve(kept.getBestCheckpoint()).toString()));
  }
}
