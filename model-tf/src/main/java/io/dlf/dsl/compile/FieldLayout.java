package io.dlf.dsl.compile;

import io.dlf.dsl.plan.ModelPlan;
import io.dlf.dsl.spec.Feature;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How the fields reach the graph. Encoded inputs arrive grouped by kind (one id matrix for the
 * categorical fields and the numeric fields bucketized into categories, one value matrix for the
 * other numeric ones, one id matrix per sequence) and the embedding layer puts them back into
 * field order. All vocabularies and hashed features share one embedding table; each owner's rows
 * start at its offset, and each table's row 0 is padding.
 *
 * @param tableOffsets first row of each vocabulary owner's table
 * @param categorical the fields encoded as one id each: categorical and bucketized numeric ones
 * @param numeric the numeric fields that scale a vector by their value
 * @param tableSizes rows of each owner's table, PAD and OOV (or every hash bucket) included
 * @param fieldOrder entry i: index of field i in the concatenation
 *     [categorical..., numeric..., sequences...]
 */
public record FieldLayout(
    List<Feature> fields,
    List<Feature> categorical,
    List<Feature> numeric,
    List<Feature> sequences,
    Map<String, Integer> tableOffsets,
    Map<String, Integer> tableSizes,
    int tableRows,
    List<Integer> fieldOrder) {

  public FieldLayout {
    fields = List.copyOf(fields);
    categorical = List.copyOf(categorical);
    numeric = List.copyOf(numeric);
    sequences = List.copyOf(sequences);
    tableOffsets = Map.copyOf(tableOffsets);
    tableSizes = Map.copyOf(tableSizes);
    fieldOrder = List.copyOf(fieldOrder);
  }

  /**
   * The layout of a plan's fields. {@code vocabularySizes} gives the rows of each vocabulary
   * owner's table (PAD and OOV included), as built from the training split; hashed tables' rows
   * come from the spec.
   */
  public static FieldLayout of(ModelPlan plan, Map<String, Integer> vocabularySizes) {
    List<Feature> categorical = new ArrayList<>();
    List<Feature> numeric = new ArrayList<>();
    List<Feature> sequences = new ArrayList<>();
    for (Feature f : plan.fields()) {
      switch (f.kind()) {
        case CATEGORICAL -> categorical.add(f);
        case NUMERIC -> (f.isBucketized() ? categorical : numeric).add(f);
        case SEQUENCE -> sequences.add(f);
      }
    }
    Map<String, Integer> tableRows = plan.tableRows(vocabularySizes);
    Map<String, Integer> offsets = new LinkedHashMap<>();
    Map<String, Integer> sizes = new LinkedHashMap<>();
    long rows = 0;
    for (String owner : plan.embeddingTables()) {
      Integer size = tableRows.get(owner);
      if (size == null || size < 2) {
        throw new IllegalArgumentException("no vocabulary of at least 2 rows (PAD, OOV) for feature '"
            + owner + "'; have " + vocabularySizes.keySet());
      }
      offsets.put(owner, (int) rows);
      sizes.put(owner, size);
      rows += size;
      if (rows > Integer.MAX_VALUE) {
        throw new IllegalArgumentException("the embedding tables have more than " + Integer.MAX_VALUE
            + " rows together once feature '" + owner + "' adds its " + size + " (ids are int32): lower hash_buckets "
            + "or raise min_count");
      }
    }
    List<Feature> grouped = new ArrayList<>(categorical);
    grouped.addAll(numeric);
    grouped.addAll(sequences);
    List<Integer> order = plan.fields().stream().map(grouped::indexOf).toList();
    return new FieldLayout(plan.fields(), categorical, numeric, sequences, offsets, sizes, (int) rows, order);
  }

  /** The first table row of a feature's vocabulary. */
  public int offsetOf(Feature feature) {
    return tableOffsets.get(feature.vocabularyOwner());
  }

  public boolean inFieldOrderAlready() {
    for (int i = 0; i < fieldOrder.size(); i++) {
      if (fieldOrder.get(i) != i) {
        return false;
      }
    }
    return true;
  }
}
