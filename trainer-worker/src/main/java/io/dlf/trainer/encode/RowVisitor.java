package io.dlf.trainer.encode;

/** Takes rows one at a time: the {@link RowFormat} bytes at {@code offset} of {@code rows}, valid only during the call. */
@FunctionalInterface
interface RowVisitor {
  void row(byte[] rows, int offset) throws InterruptedException;
}
