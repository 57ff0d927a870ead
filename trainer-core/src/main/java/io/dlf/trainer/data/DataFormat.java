package io.dlf.trainer.data;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The text formats the readers understand. */
public enum DataFormat {
  /** {@code label idx:val idx:val ...}: the k-th pair is field k; -1/+1 or 0/1 labels (NFM/AFM Frappe). */
  LIBFM,
  /** Comma-separated values, optionally quoted. */
  CSV,
  /** Tab-separated values (Criteo's layout). */
  TSV;

  /** Parses a format name, case-insensitively; the error lists the known formats. */
  public static DataFormat parse(String name) {
    try {
      return valueOf(name.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unknown data format '" + name + "'; expected one of "
          + Arrays.stream(values()).map(f -> f.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", ")), e);
    }
  }
}
