package io.dlf.trainer.encode;

/** Batches one after another; closing it stops whatever reads ahead. */
public interface BatchStream extends AutoCloseable {

  /**
   * The next batch, or null after the last.
   *
   * @throws io.dlf.trainer.data.DataException if the data turned out damaged (naming the file)
   */
  LabeledBatch next();

  @Override
  void close();
}
