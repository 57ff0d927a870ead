package io.dlf.bench;

import io.dlf.dsl.Frappe;
import io.dlf.dsl.Presets;
import io.dlf.dsl.codec.SpecJson;
import io.dlf.dsl.encode.Vocabularies;
import io.dlf.dsl.plan.ModelPlan;
import io.dlf.dsl.repository.ModelRepository;
import io.dlf.dsl.repository.VersionFiles;
import io.dlf.dsl.spec.ModelSpec;
import io.dlf.dsl.testing.ExportedVersions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The serving benchmark's models, as version folders: a Frappe DLF model (given by path, or else
 * the quality runs' dlf-paper configuration exported with its initial weights) and the reference
 * preset on Frappe's fields (initial weights: latency does not depend on the values).
 */
final class ServingModels {
  /** Seed of the exported initial weights. */
  private static final long SEED = 2019;

  /** A model under test: its version folder, spec and vocabularies (to draw request values from). */
  record Model(String key, String description, Path versionDir, ModelSpec spec, Vocabularies vocabularies) {
    static Model of(String key, String description, Path versionDir) throws IOException {
      return new Model(key, description, versionDir.toAbsolutePath(),
          SpecJson.fromJson(Files.readString(versionDir.resolve(VersionFiles.SPEC), StandardCharsets.UTF_8)),
          Vocabularies.fromJson(Files.readString(versionDir.resolve(VersionFiles.VOCABULARIES), StandardCharsets.UTF_8)));
    }

    /** Bytes of the float32 weights a call reads in full: all but the embedding tables, of which it reads rows. */
    long weightBytes() {
      return ModelPlan.of(spec).summary().nonEmbeddingParameters() * Float.BYTES;
    }
  }

  private ServingModels() {}

  /** The Frappe DLF model: {@code given} when set, else an export of dlf-paper at the quality runs' sizes. */
  static Model frappeDlf(Path given, Path workDir) throws IOException {
    if (given != null) {
      return Model.of("frappe_dlf", "Frappe DLF model from " + given, given);
    }
    ModelSpec spec = Frappe.declare(Presets.dlfPaper(new Presets.Size(16, 3, 16, 8, 128))).build();
    return Model.of("frappe_dlf", "dlf-paper on Frappe (D=16, 3 layers, 16 tokens, rank 8, hidden 128; the quality "
        + "runs' configuration), initial weights (no trained model was given with --model)",
        exported(workDir, "frappe-dlf-paper", spec));
  }

  /** The reference preset on Frappe's fields. */
  static Model reference(Path workDir) throws IOException {
    ModelSpec spec = Frappe.declare(Presets.dlfReference()).build();
    return Model.of("reference", "dlf-reference preset on Frappe's fields (D=64, 3 layers, 32 tokens per block, rank 24, "
        + "hidden 512; 14,463,905 non-embedding parameters), initial weights", exported(workDir, "frappe-dlf-reference",
        spec));
  }

  /** Exports afresh each time, so the graph is what the current compiler makes. */
  private static Path exported(Path workDir, String name, ModelSpec spec) throws IOException {
    ModelRepository repository = new ModelRepository(workDir.resolve("models"));
    ExportedVersions.deleteRecursively(repository.modelDir(name));
    System.out.println("exporting " + name + " with initial weights to " + repository.modelDir(name));
    Vocabularies vocabularies = ExportedVersions.syntheticVocabularies(Frappe.VOCABULARY_SIZES);
    return repository.versionDir(name, ExportedVersions.export(repository, name, spec, vocabularies, SEED));
  }
}
