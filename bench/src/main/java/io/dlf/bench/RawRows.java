package io.dlf.bench;

import io.dlf.dsl.encode.RawBatch;
import io.dlf.dsl.spec.Feature;
import io.dlf.dsl.spec.FeatureKind;
import io.dlf.trainer.data.BadRows;
import io.dlf.trainer.data.DatasetSchema;
import io.dlf.trainer.data.RowReader;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Raw feature values of a data file's first rows, as a client would send them (categorical features only). */
public final class RawRows {
  private RawRows() {}

  public static RawBatch first(DatasetSchema schema, java.util.List<Feature> features, Path file, int count) {
    if (features.stream().anyMatch(f -> f.kind() != FeatureKind.CATEGORICAL)) {
      throw new IllegalArgumentException("only categorical features are read here");
    }
    Map<String, String[]> columns = new HashMap<>();
    features.forEach(f -> columns.put(f.name(), new String[count]));
    int[] seen = {0};
    new RowReader(schema, features, BadRows.FAIL).read(file, row -> {
      if (seen[0] < count) {
        for (int f = 0; f < features.size(); f++) {
          columns.get(features.get(f).name())[seen[0]] = row.token(f);
        }
      }
      seen[0]++;
    });
    if (seen[0] < count) {
      throw new IllegalArgumentException(file + " has only " + seen[0] + " rows, " + count + " wanted");
    }
    return new RawBatch(count, columns, Map.of(), Map.of());
  }

  /** Row {@code i} of a batch as a batch of one. */
  public static RawBatch row(RawBatch batch, int i) {
    Map<String, String[]> columns = new HashMap<>();
    batch.strings().forEach((name, values) -> columns.put(name, new String[] {values[i]}));
    return new RawBatch(1, columns, Map.of(), Map.of());
  }
}
