package io.dlf.dsl.training;

/** How Adam updates the embedding tables at each step. */
public enum EmbeddingUpdates {
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
  DENSE
}
