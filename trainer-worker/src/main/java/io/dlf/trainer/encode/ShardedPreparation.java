package io.dlf.trainer.encode;

import io.dlf.dsl.compile.FieldLayout;
import io.dlf.dsl.encode.TableIds;
import io.dlf.dsl.encode.Vocabularies;
import io.dlf.dsl.plan.ModelPlan;
import io.dlf.dsl.spec.ModelSpec;
import io.dlf.proto.train.v1.PreparedManifest;
import io.dlf.proto.train.v1.PreparedSplit;
import io.dlf.proto.train.v1.Shard;
import io.dlf.proto.train.v1.SourceFile;
import io.dlf.trainer.data.ReadReport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes a prepared-data folder: one streaming pass over train counts the vocabularies, then every
 * split is encoded into shards. Free space is checked before the shards are written; a write that
 * fails for want of space says how much was needed.
 */
final class ShardedPreparation {
  /** Beyond the shards: manifest and slack for the estimate. */
  private static final long OVERHEAD_BYTES = 1 << 20;

  private final ModelSpec spec;
  private final ModelPlan plan;
  private final DatasetEncoder encoder;
  private final FreeSpace freeSpace;
  private final int maxShardRows;
  private final PreparationListener listener;
  /** Bytes of the splits' shards written in full so far. */
  private long shardBytesBefore;

  ShardedPreparation(ModelSpec spec, ModelPlan plan, DatasetEncoder encoder, FreeSpace freeSpace, int maxShardRows,
      PreparationListener listener) {
    this.spec = spec;
    this.plan = plan;
    this.encoder = encoder;
    this.freeSpace = freeSpace;
    this.maxShardRows = maxShardRows;
    this.listener = listener;
  }

  /**
   * Prepares {@code sources} (train, validation, test) into {@code folder}, which must be empty; the
   * sources must not change meanwhile.
   *
   * @param spaceFolder the folder to name when space runs out
   */
  void write(Path folder, Path spaceFolder, PreparedDataKey key, List<SourceFile> sources) throws IOException {
    ProgressMeter counting = new ProgressMeter(listener, PreparationProgress.Stage.VOCABULARIES,
        PreparedFolder.TRAIN, () -> 0);
    Vocabularies vocabularies = encoder.buildVocabularies(spec, Path.of(sources.get(0).getPath()), counting);
    counting.finish();
    FieldLayout layout = FieldLayout.of(plan, vocabularies.sizes());
    TableIds tables = TableIds.of(plan, vocabularies);
    RowFormat format = RowFormat.of(layout);
    String vocabulariesJson = vocabularies.toJson();
    long needed = estimateBytes(format, counting.rows(), sources) + vocabulariesJson.length() + OVERHEAD_BYTES;
    long free = freeSpace.usableBytes(folder);
    if (free < needed) {
      throw new PreparationSpaceException(spaceFolder, needed, free, null);
    }
    List<String> names = List.of(PreparedFolder.TRAIN, PreparedFolder.VALIDATION, PreparedFolder.TEST);
    PreparedManifest.Builder manifest = PreparedManifest.newBuilder()
        .setFormatVersion(PreparedFolder.FORMAT_VERSION)
        .setKey(key.key())
        .setSchema(key.schema())
        .setEncoding(key.encoding())
        .setVocabulariesSha256(PreparedDataKey.sha256(vocabulariesJson.getBytes(StandardCharsets.UTF_8)))
        .setRowBytes(format.rowBytes());
    try {
      for (int i = 0; i < names.size(); i++) {
        manifest.addSplits(encodeSplit(folder, names.get(i), sources.get(i), layout, tables, format));
      }
      PreparedFolder.write(folder, vocabulariesJson, manifest.build());
    } catch (IOException | UncheckedIOException e) {
      IOException cause = e instanceof UncheckedIOException u ? u.getCause() : (IOException) e;
      long freeNow = freeSpace.usableBytes(folder);
      if (freeNow < needed - shardBytesBefore) {
        throw new PreparationSpaceException(spaceFolder, needed, freeNow, cause);
      }
      throw cause;
    }
    sources.forEach(SourceFiles::checkUnchanged);
  }

  private PreparedSplit encodeSplit(Path folder, String name, SourceFile source, FieldLayout layout, TableIds tables,
      RowFormat format) throws IOException {
    try (ShardWriter writer = new ShardWriter(folder, name, format.rowBytes(), maxShardRows)) {
      long before = shardBytesBefore;
      ProgressMeter meter = new ProgressMeter(listener, PreparationProgress.Stage.SHARDS, name,
          () -> before + writer.bytes());
      ReadReport report = encoder.encode(Path.of(source.getPath()), layout, tables, writer::add, meter);
      List<Shard> shards = writer.finish();
      shardBytesBefore += writer.bytes();
      meter.finish();
      return PreparedSplit.newBuilder().setName(name).setSource(source).setRows(report.rows())
          .setSkippedRows(report.skipped()).addAllFirstProblems(report.firstProblems()).addAllShards(shards).build();
    }
  }

  /** Train's rows times the row width, scaled by the sources' total size over train's. */
  private static long estimateBytes(RowFormat format, long trainRows, List<SourceFile> sources) {
    double total = sources.stream().mapToLong(SourceFile::getSizeBytes).sum();
    double train = Math.max(1, sources.get(0).getSizeBytes());
    return (long) Math.ceil(trainRows * (double) format.rowBytes() * (total / train));
  }
}
