package io.dlf.dsl.training;

/** How Adam updates the embedding tables at each step. */
public enum EmbeddingUpdates {
  /**
   * {@link #DENSE} while the tables hold fewer than {@link #AUTO_ROW_WISE_ROWS} rows in all, where a
   * dense update is cheap and its L2 on every row is what the published settings were tuned with (on
   * Frappe, seed 2019, row-wise updates overfit: test AUC 0.9819 against 0.9843 dense);
   * {@link #ROW_WISE} from there on, where dense updates would touch every row of tables of millions.
   */
  AUTO,
  /**
   * Only the rows the batch looks up ("lazy" Adam): their gradient (duplicate ids summed), their
   * two moments and their values are read and written; every other row keeps its value and its
   * moments until a batch looks it up again. Touched rows get exactly dense Adam's update when
   * the gradient norm is the same (see {@link #DENSE}). The cost of a step follows the batch, not
   * the tables' size.
   */
  ROW_WISE,
  /**
   * Every row every step, as TensorFlow's dense Adam: a row no batch looks up still moves with its
   * decaying moments, and with embedding L2 its gradient is {@code embedding_l2 x row} on every
   * step, which also counts in the clipped gradient norm. Row-wise updates regularize (and count
   * in the norm) only the rows a batch looks up, once each.
   */
  DENSE;

  /** Total table rows from which {@link #AUTO} updates row-wise. */
  public static final long AUTO_ROW_WISE_ROWS = 1_000_000;

  /** Whether tables of {@code tableRows} rows in all are updated row-wise. */
  public boolean rowWise(long tableRows) {
    return this == ROW_WISE || this == AUTO && tableRows >= AUTO_ROW_WISE_ROWS;
  }
}
