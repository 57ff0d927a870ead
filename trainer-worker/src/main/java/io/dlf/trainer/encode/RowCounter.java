package io.dlf.trainer.encode;

/** Hears of every row a pass over a source file reads. */
@FunctionalInterface
interface RowCounter {
  RowCounter NONE = () -> {};

  void row();
}
