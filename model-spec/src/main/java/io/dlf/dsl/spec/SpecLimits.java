package io.dlf.dsl.spec;

/**
 * The largest value each size of a model spec may take. Each is far above the papers' sizes (DLF:
 * D = 64, 32 tokens per block, rank 24, MLPs of 512, three layers) and low enough that every
 * shape the planner derives from them fits an {@code int} and every parameter count a
 * {@code long}; whether a spec within them fits a trainer's memory is the trainer's admission
 * check. The proto comments of model_spec.proto state the same numbers.
 */
public final class SpecLimits {
  /** Declared features (Criteo has 39). */
  public static final int FEATURES = 1_000;
  /** Characters of the model's and of each feature's name. */
  public static final int NAME_LENGTH = 128;
  /** Characters of a sequence's token separator. */
  public static final int SEPARATOR_LENGTH = 16;
  /** A categorical or sequence feature's min_count: above any training split's row count that is practical. */
  public static final int MIN_COUNT = 1_000_000_000;
  /**
   * A feature's hash buckets. Ids are int32 rows of the one table every vocabulary and hashed
   * feature shares, so all tables together have at most {@link #TABLE_ROWS} rows; 10^9 buckets
   * leave room for the others.
   */
  public static final int HASH_BUCKETS = 1_000_000_000;
  /** Rows of every embedding table together, padding rows included: ids are int32. */
  public static final int TABLE_ROWS = Integer.MAX_VALUE;
  /** Tokens kept of a sequence. */
  public static final int MAX_LENGTH = 4_096;
  /** The embedding dim D. */
  public static final int EMBEDDING_DIM = 1_024;
  /** Width of any MLP hidden layer (block MLPs, heads, DNNs, streams, fusion). */
  public static final int MLP_WIDTH = 16_384;
  /** Hidden layers of any MLP. */
  public static final int MLP_DEPTH = 16;
  /** Layers of a stacked backbone: DLF layers, DCNv2 cross layers, MGDIN and InterFormer layers. */
  public static final int LAYERS = 32;
  /** Output tokens of a DLF block, and InterFormer's summary and PMA tokens. */
  public static final int TOKENS = 1_024;
  /** The rank R of an FM block. */
  public static final int RANK = 1_024;
  /** Attention heads of any attention (NAF, MGDIN, InterFormer) and FinalMLP's fusion heads. */
  public static final int HEADS = 64;
  /** Width of an attention or a branch: NAF's attention_dim, MGDIN's width. */
  public static final int ATTENTION_WIDTH = 4_096;
  /** NAF sub-layers. */
  public static final int SUBLAYERS = 16;
  /** FFN width multipliers (MGDIN, InterFormer). */
  public static final int FFN_MULTIPLIER = 16;
  /** MGDIN branches (granularities). */
  public static final int GRANULARITIES = 16;

  private SpecLimits() {}
}
