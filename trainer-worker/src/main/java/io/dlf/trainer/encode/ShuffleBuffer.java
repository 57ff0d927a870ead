package io.dlf.trainer.encode;

import java.util.Random;

/**
 * A bounded shuffle: rows fill the buffer, then each new row takes the place of a randomly chosen
 * one, which goes on; at the end the rest leave in random order. With room for every row it is a
 * uniform shuffle; memory is {@code capacity} rows whatever the split's size.
 */
final class ShuffleBuffer {
  private final int rowBytes;
  private final int capacity;
  private final byte[] rows;
  private final Random random;
  private final RowVisitor out;
  private int count;

  ShuffleBuffer(int capacity, int rowBytes, Random random, RowVisitor out) {
    this.rowBytes = rowBytes;
    this.capacity = capacity;
    this.rows = new byte[Math.multiplyExact(capacity, rowBytes)];
    this.random = random;
    this.out = out;
  }

  void add(byte[] source, int offset) throws InterruptedException {
    if (count < capacity) {
      System.arraycopy(source, offset, rows, count++ * rowBytes, rowBytes);
      return;
    }
    int slot = random.nextInt(capacity) * rowBytes;
    out.row(rows, slot);
    System.arraycopy(source, offset, rows, slot, rowBytes);
  }

  /** Passes on the rows still held, in random order. */
  void drain() throws InterruptedException {
    while (count > 0) {
      int slot = random.nextInt(count) * rowBytes;
      out.row(rows, slot);
      count--;
      System.arraycopy(rows, count * rowBytes, rows, slot, rowBytes);
    }
  }
}
