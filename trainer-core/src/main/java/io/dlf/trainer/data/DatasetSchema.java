package io.dlf.trainer.data;

import static java.util.Objects.requireNonNull;

import io.dlf.dsl.spec.Quoted;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * How the rows of a dataset's files map to features. Delimited files: {@code columns} names every
 * column in file order, one of them the label; columns that are not model features are ignored.
 * libFM files: {@code columns} names the fields in order (the label comes first on each line).
 *
 * @param missingValue a cell equal to this (besides the empty cell) is missing
 */
public record DatasetSchema(DataFormat format, List<String> columns, String label, HeaderMode header, String missingValue) {

  public DatasetSchema {
    requireNonNull(format, "format is null");
    columns = List.copyOf(requireNonNull(columns, "columns is null"));
    requireNonNull(label, "label is null");
    requireNonNull(header, "header is null");
    requireNonNull(missingValue, "missingValue is null");
    if (columns.isEmpty()) {
      throw new IllegalArgumentException("schema.columns: at least one column is required");
    }
    Set<String> seen = new HashSet<>();
    for (String c : columns) {
      if (!seen.add(c)) {
        throw new IllegalArgumentException("schema.columns: column " + Quoted.of(c) + " is listed twice");
      }
    }
    if (format != DataFormat.LIBFM && !seen.contains(label)) {
      throw new IllegalArgumentException("schema.label: " + Quoted.of(label) + " is not one of the columns ["
          + Quoted.list(columns) + "]");
    }
  }

  /** A libFM schema: fields in order, label first on every line. */
  public static DatasetSchema libFm(List<String> fields) {
    return new DatasetSchema(DataFormat.LIBFM, fields, "label", HeaderMode.NONE, "");
  }

  public static DatasetSchema delimited(DataFormat format, List<String> columns, String label, HeaderMode header) {
    return new DatasetSchema(format, columns, label, header, "");
  }

  /** The feature columns, in file order (every column but the label). */
  public List<String> featureColumns() {
    return format == DataFormat.LIBFM ? columns : columns.stream().filter(c -> !c.equals(label)).toList();
  }

  public char delimiter() {
    return format == DataFormat.CSV ? ',' : '\t';
  }
}
