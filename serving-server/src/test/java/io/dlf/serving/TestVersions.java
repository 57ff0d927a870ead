package io.dlf.serving;

import io.dlf.dsl.compile.SessionConfigs;
import io.dlf.dsl.encode.RawBatch;
import io.dlf.dsl.export.ExportedModel;
import io.dlf.dsl.repository.ModelRepository;
import io.dlf.dsl.testing.ExportedVersions;
import io.dlf.dsl.testing.RandomExamples;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Real versions of {@link ExportedVersions#SMALL} for the serving tests: each seed is exported once
 * per test run and copied into the repositories the tests build, the way a trainer publishes a
 * version (written aside, then renamed into place).
 */
public final class TestVersions {
  private static final Map<Long, Path> EXPORTED = new HashMap<>();
  private static final Map<Long, ExportedModel> IN_PROCESS = new HashMap<>();
  private static Path cache;

  private TestVersions() {}

  /** The exported folder of the small model with the initial weights of {@code seed}. */
  public static synchronized Path exported(long seed) throws IOException {
    if (cache == null) {
      cache = Files.createTempDirectory("serving-test-versions");
    }
    Path dir = EXPORTED.get(seed);
    if (dir == null) {
      ModelRepository repository = new ModelRepository(cache.resolve("seed-" + seed));
      long version = ExportedVersions.exportSmall(repository, "small", seed);
      dir = repository.versionDir("small", version);
      EXPORTED.put(seed, dir);
    }
    return dir;
  }

  /** Publishes a copy of {@code seed}'s version as the next version of {@code model}; returns its number. */
  public static long publish(ModelRepository repository, String model, long seed) throws IOException {
    Path staging = repository.newStagingDir(model);
    copy(exported(seed), staging);
    return repository.publish(model, staging);
  }

  /** Publishes a version whose SavedModel is garbage, as a damaged copy would leave it. */
  public static long publishCorrupt(ModelRepository repository, String model) throws IOException {
    Path staging = repository.newStagingDir(model);
    copy(exported(1), staging);
    Files.writeString(staging.resolve("saved_model/saved_model.pb"), "not a SavedModel");
    return repository.publish(model, staging);
  }

  /** The probabilities of {@code seed}'s version, computed in this process without the server. */
  public static synchronized float[] expected(long seed, RawBatch batch) throws IOException {
    ExportedModel model = IN_PROCESS.get(seed);
    if (model == null) {
      model = ExportedModel.load(exported(seed), SessionConfigs.threads(1, 1));
      IN_PROCESS.put(seed, model);
    }
    return model.predict(batch);
  }

  /** Random examples for the small model. */
  public static RawBatch examples(int size, long seed) {
    return RandomExamples.batch(ExportedVersions.SMALL, ExportedVersions.SMALL_VOCABULARIES, size, seed);
  }

  private static void copy(Path from, Path to) throws IOException {
    try (Stream<Path> walk = Files.walk(from)) {
      for (Path source : walk.toList()) {
        Path target = to.resolve(from.relativize(source).toString());
        if (Files.isDirectory(source)) {
          Files.createDirectories(target);
        } else {
          Files.copy(source, target);
        }
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }
}
