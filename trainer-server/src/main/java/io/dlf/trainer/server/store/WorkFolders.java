package io.dlf.trainer.server.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Each job's work folder, {@code <data-dir>/jobs/<id>/work/}: its checkpoints, which a later attempt
 * resumes from. With a shared database the data folder is shared too, so any host resumes any job.
 */
public record WorkFolders(Path dataDir) {

  public Path jobs() {
    return dataDir.resolve("jobs");
  }

  /** The job's work folder (may not exist yet). */
  public Path workDir(String jobId) {
    return jobs().resolve(jobId).resolve("work");
  }

  /** Removes the job's work folder, if any. */
  public void deleteWorkDir(String jobId) throws IOException {
    Path dir = workDir(jobId);
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
