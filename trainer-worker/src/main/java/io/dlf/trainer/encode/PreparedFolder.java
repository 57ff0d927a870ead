package io.dlf.trainer.encode;

import io.dlf.dsl.compile.FieldLayout;
import io.dlf.dsl.encode.Vocabularies;
import io.dlf.dsl.plan.ModelPlan;
import io.dlf.dsl.repository.VersionFiles;
import io.dlf.proto.train.v1.PreparedManifest;
import io.dlf.proto.train.v1.PreparedSplit;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** A prepared-data folder: {@code manifest.json}, {@code vocabularies.json} and the shards the manifest names. */
final class PreparedFolder {
  static final int FORMAT_VERSION = 1;
  static final String MANIFEST = "manifest.json";
  static final String VOCABULARIES = "vocabularies.json";
  static final String TRAIN = "train";
  static final String VALIDATION = "validation";
  static final String TEST = "test";

  private PreparedFolder() {}

  static boolean isComplete(Path folder) {
    return Files.isRegularFile(folder.resolve(MANIFEST));
  }

  /** Writes the vocabularies, then the manifest that makes the folder complete. */
  static void write(Path folder, String vocabulariesJson, PreparedManifest manifest) throws IOException {
    Files.writeString(folder.resolve(VOCABULARIES), vocabulariesJson, StandardCharsets.UTF_8);
    VersionFiles.writeJson(folder.resolve(MANIFEST), manifest);
  }

  /**
   * The splits of a complete folder for {@code plan}.
   *
   * @throws IOException if the manifest or vocabularies cannot be read or do not agree
   * @throws io.dlf.trainer.data.DataException if a shard is missing or not the size its manifest says
   */
  static PreparedData open(Path folder, ModelPlan plan) throws IOException {
    Path manifestFile = folder.resolve(MANIFEST);
    PreparedManifest manifest = VersionFiles.readJson(manifestFile, PreparedManifest.newBuilder()).build();
    if (manifest.getFormatVersion() != FORMAT_VERSION) {
      throw new IOException(manifestFile + ": format_version " + manifest.getFormatVersion() + " is not "
          + FORMAT_VERSION);
    }
    byte[] vocabularyBytes = Files.readAllBytes(folder.resolve(VOCABULARIES));
    if (!PreparedDataKey.sha256(vocabularyBytes).equals(manifest.getVocabulariesSha256())) {
      throw new IOException(folder.resolve(VOCABULARIES) + " is not the file " + manifestFile + " was written with "
          + "(SHA-256 differs); remove " + folder + " and the job prepares the data again");
    }
    Vocabularies vocabularies = Vocabularies.fromJson(new String(vocabularyBytes, StandardCharsets.UTF_8));
    FieldLayout layout = FieldLayout.of(plan, vocabularies.sizes());
    RowFormat format = RowFormat.of(layout);
    if (format.rowBytes() != manifest.getRowBytes()) {
      throw new IOException(manifestFile + ": rows of " + manifest.getRowBytes() + " bytes, the model's fields take "
          + format.rowBytes());
    }
    Map<String, PreparedSplit> splits = new HashMap<>();
    manifest.getSplitsList().forEach(s -> splits.put(s.getName(), s));
    return new PreparedData(vocabularies, layout, split(folder, format, splits, TRAIN, manifestFile),
        split(folder, format, splits, VALIDATION, manifestFile), split(folder, format, splits, TEST, manifestFile));
  }

  private static ShardedSplit split(Path folder, RowFormat format, Map<String, PreparedSplit> splits, String name,
      Path manifestFile) throws IOException {
    PreparedSplit split = splits.get(name);
    if (split == null) {
      throw new IOException(manifestFile + " has no split '" + name + "'");
    }
    return new ShardedSplit(folder, format, split);
  }
}
