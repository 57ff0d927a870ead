package io.dlf.serving.grpc;

import com.google.protobuf.ByteString;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** The KServe v2 raw tensor form: elements row-major, little-endian; BYTES elements length-prefixed. */
final class RawTensors {
  private RawTensors() {}

  static ByteString floats(float[] values) {
    ByteBuffer bytes = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    bytes.asFloatBuffer().put(values);
    return ByteString.copyFrom(bytes);
  }

  /** Every float in {@code bytes} (a multiple of 4 long). */
  static float[] floats(ByteString bytes) {
    float[] values = new float[bytes.size() / 4];
    bytes.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
    return values;
  }

  /** Each string as a 4-byte little-endian length and its UTF-8 bytes. */
  static ByteString strings(String[] values) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ByteBuffer length = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
    for (String v : values) {
      byte[] utf8 = v.getBytes(StandardCharsets.UTF_8);
      bytes.writeBytes(length.clear().putInt(utf8.length).array());
      bytes.writeBytes(utf8);
    }
    return ByteString.copyFrom(bytes.toByteArray());
  }
}
