package io.dlf.dsl.testing;

import io.dlf.dsl.Presets;
import io.dlf.dsl.compile.FieldLayout;
import io.dlf.dsl.compile.SessionConfigs;
import io.dlf.dsl.compile.TrainingGraph;
import io.dlf.dsl.encode.Vocabularies;
import io.dlf.dsl.encode.Vocabulary;
import io.dlf.dsl.export.CalibrationRows;
import io.dlf.dsl.export.ModelExporter;
import io.dlf.dsl.export.ServedEvaluation;
import io.dlf.dsl.plan.ModelPlan;
import io.dlf.dsl.repository.ModelRepository;
import io.dlf.dsl.repository.VersionFiles;
import io.dlf.dsl.spec.Feature;
import io.dlf.dsl.spec.ModelSpec;
import io.dlf.dsl.spec.NumericTransform;
import io.dlf.dsl.training.OptimizerSettings;
import io.dlf.proto.model.v1.ServingPrecision;
import io.dlf.proto.model.v1.TrainingMetrics;
import io.dlf.proto.model.v1.VersionManifest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.tensorflow.Session;
import org.tensorflow.proto.ConfigProto;

/**
 * Real exported versions without a trainer: a model's initial weights, drawn from a seed, saved as
 * a checkpoint and exported exactly as a trained one would be. Different seeds give versions that
 * score the same examples differently.
 */
public final class ExportedVersions {
  private static final ConfigProto CONFIG = SessionConfigs.threads(1, 1);

  /**
   * A small DLF with every kind of feature: categorical {@code user} and {@code item}, numeric
   * {@code price} (log1p, missing = 2) and the sequence {@code history} (3 most recent items,
   * sharing {@code item}'s vocabulary).
   */
  public static final ModelSpec SMALL = Presets.dlfPaper(new Presets.Size(8, 2, 4, 3, 16)).name("small")
      .categorical("user", "item")
      .feature(Feature.numeric("price").transform(NumericTransform.LOG1P).fillValue(2f))
      .feature(Feature.sequence("history", 3).vocabularyFrom("item"))
      .build();

  /** {@link #SMALL}'s vocabularies: users user1..user20, items item1..item50. */
  public static final Vocabularies SMALL_VOCABULARIES = syntheticVocabularies(Map.of("user", 22, "item", 52));

  /** Random rows an int8 export calibrates on. */
  private static final int CALIBRATION_ROWS = 256;

  private ExportedVersions() {}

  /** Exports the next version of {@code model} with {@link #SMALL}'s initial weights for {@code seed}. */
  public static long exportSmall(ModelRepository repository, String model, long seed) throws IOException {
    return export(repository, model, SMALL, SMALL_VOCABULARIES, seed);
  }

  /** Exports the next version of {@code model}: {@code spec} with its initial weights for {@code seed}. */
  public static long export(ModelRepository repository, String model, ModelSpec spec, Vocabularies vocabularies,
      long seed) throws IOException {
    return export(repository, model, spec, vocabularies, seed, ServingPrecision.FLOAT32);
  }

  /** As {@link #export(ModelRepository, String, ModelSpec, Vocabularies, long)}, served at {@code precision}. */
  public static long export(ModelRepository repository, String model, ModelSpec spec, Vocabularies vocabularies,
      long seed, ServingPrecision precision) throws IOException {
    Path work = Files.createTempDirectory("dlf-initial-checkpoint-");
    try {
      return new ModelExporter(repository, CONFIG).export(new ModelExporter.Request(model, spec, vocabularies,
          initialCheckpoint(spec, vocabularies, seed, work), TrainingMetrics.getDefaultInstance(), "", seed, precision,
          ServedEvaluation.NONE, new CalibrationRows(RandomExamples.encoded(spec, vocabularies, CALIBRATION_ROWS, seed))));
    } finally {
      deleteRecursively(work);
    }
  }

  /**
   * Exports a float32 version whose manifest says {@code claimed}: a stand-in for a version made on a
   * machine that could make it, where this one cannot ({@code Int8Kernel}).
   */
  public static long exportClaiming(ModelRepository repository, String model, ModelSpec spec,
      Vocabularies vocabularies, long seed, ServingPrecision claimed) throws IOException {
    long version = export(repository, model, spec, vocabularies, seed);
    Path manifest = repository.versionDir(model, version).resolve(VersionFiles.MANIFEST);
    Files.writeString(manifest, VersionFiles.toJson(VersionFiles.readJson(manifest, VersionManifest.newBuilder())
        .setServingPrecision(claimed).build()));
    return version;
  }

  /** Saves {@code spec}'s initial weights for {@code seed} in {@code dir}; returns the checkpoint's prefix. */
  public static String initialCheckpoint(ModelSpec spec, Vocabularies vocabularies, long seed, Path dir) {
    String checkpoint = dir.resolve("model").toString();
    try (TrainingGraph graph = TrainingGraph.build(ModelPlan.of(spec), FieldLayout.of(ModelPlan.of(spec),
            vocabularies.sizes()), seed, OptimizerSettings.defaults());
        Session session = new Session(graph.graph(), CONFIG)) {
      session.initialize();
      session.save(checkpoint);
    }
    return checkpoint;
  }

  /**
   * Vocabularies with tokens {@code <owner>1 .. <owner>K} for each owner, where {@code rows}
   * gives the table rows per owner (K + 2: PAD and OOV included), e.g. a dataset's vocabulary sizes.
   */
  public static Vocabularies syntheticVocabularies(Map<String, Integer> rows) {
    Map<String, Vocabulary> vocabularies = new LinkedHashMap<>();
    rows.forEach((owner, size) -> {
      List<String> tokens = IntStream.rangeClosed(1, size - 2).mapToObj(i -> owner + i).toList();
      vocabularies.put(owner, new Vocabulary(owner, 1, tokens));
    });
    return new Vocabularies(vocabularies);
  }

  /** Deletes a folder and everything under it; nothing when it is not there. */
  public static void deleteRecursively(Path dir) throws IOException {
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
