package io.dlf.trainer.data;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes ASCII text fields (integers, fixed-width hex, separators) into a stream through one fixed
 * buffer, without a String or a lock per value: the generators' hot path writes tens of millions of
 * rows. Closing flushes and closes the stream.
 */
final class AsciiOut implements AutoCloseable {
  static final int BUFFER_BYTES = 1 << 16;
  // room for the longest single value (a long's 20 characters) before a flush is needed
  private static final int LONGEST_VALUE = 24;
  private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

  private final OutputStream out;
  private final byte[] buffer = new byte[BUFFER_BYTES];
  private int length;

  AsciiOut(OutputStream out) {
    this.out = out;
  }

  AsciiOut put(char c) throws IOException {
    reserve();
    buffer[length++] = (byte) c;
    return this;
  }

  AsciiOut put(String ascii) throws IOException {
    for (int i = 0; i < ascii.length(); i++) {
      put(ascii.charAt(i));
    }
    return this;
  }

  /** A decimal integer (above {@link Long#MIN_VALUE}). */
  AsciiOut put(long value) throws IOException {
    reserve();
    if (value < 0) {
      buffer[length++] = '-';
      value = -value; // the generators' values are small: never Long.MIN_VALUE
    }
    int end = length + digits(value);
    for (int i = end - 1; i >= length; i--) {
      buffer[i] = (byte) ('0' + value % 10);
      value /= 10;
    }
    length = end;
    return this;
  }

  /** The 32 bits as 8 lowercase hex digits, as Criteo's hashed categorical values are written. */
  AsciiOut putHex8(int bits) throws IOException {
    reserve();
    for (int shift = 28; shift >= 0; shift -= 4) {
      buffer[length++] = HEX[(bits >>> shift) & 0xf];
    }
    return this;
  }

  @Override
  public void close() throws IOException {
    try (out) {
      out.write(buffer, 0, length);
      length = 0;
    }
  }

  private void reserve() throws IOException {
    if (length > BUFFER_BYTES - LONGEST_VALUE) {
      out.write(buffer, 0, length);
      length = 0;
    }
  }

  private static int digits(long nonNegative) {
    int digits = 1;
    for (long v = nonNegative; v >= 10; v /= 10) {
      digits++;
    }
    return digits;
  }
}
