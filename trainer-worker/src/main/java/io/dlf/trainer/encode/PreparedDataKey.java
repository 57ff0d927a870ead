package io.dlf.trainer.encode;

import io.dlf.dsl.plan.ModelPlan;
import io.dlf.dsl.spec.Feature;
import io.dlf.proto.train.v1.SourceFile;
import io.dlf.trainer.data.BadRows;
import io.dlf.trainer.data.DatasetSchema;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Collectors;

/**
 * What decides a prepared dataset's bytes, and its name: the SHA-256 of the format, the schema, the
 * encoding and the source files' sizes and checksums (not their paths: the same data elsewhere is
 * the same data).
 *
 * @param encoding the fields' encoding settings, one line per field in field order
 */
record PreparedDataKey(String key, String schema, String encoding) {

  static PreparedDataKey of(ModelPlan plan, DatasetSchema schema, BadRows badRows, List<SourceFile> sources) {
    String encoding = plan.fields().stream().map(f -> describe(plan, f)).collect(Collectors.joining("\n"));
    StringBuilder text = new StringBuilder()
        .append("format ").append(PreparedFolder.FORMAT_VERSION).append('\n')
        .append("schema ").append(schema).append('\n')
        .append("bad rows ").append(badRows).append('\n')
        .append(encoding).append('\n');
    sources.forEach(s -> text.append("source ").append(s.getSizeBytes()).append(' ').append(s.getCrc32C()).append('\n'));
    return new PreparedDataKey(sha256(text.toString().getBytes(StandardCharsets.UTF_8)), schema.toString(), encoding);
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }

  /** What of a field decides its ids or values: its table's vocabulary or buckets, its transform into tokens, its window. */
  private static String describe(ModelPlan plan, Feature f) {
    Feature owner = plan.spec().feature(f.vocabularyOwner());
    return String.join(" ", f.name(), f.kind().name(), "table=" + owner.name(), "min_count=" + owner.minCount(),
        "hash_buckets=" + owner.hashBuckets(), "transform=" + (f.isBucketized() ? f.transform().name() : "raw"),
        "max_length=" + f.maxLength(), "separator=" + f.separator());
  }
}
