package io.dlf.dsl.encode;

/**
 * How one embedding table's owner turns a raw token into its row: a {@link Vocabulary} built from
 * the training split, or {@link HashBuckets}. Row 0 of either is padding.
 */
public sealed interface TokenIds permits Vocabulary, HashBuckets {
  /** The owning feature. */
  String feature();

  /** The row of a token; never {@link Vocabulary#PAD}. */
  int id(String token);

  /** Rows of the table, padding included. */
  int size();
}
