package io.dlf.dsl.export;

import org.tensorflow.types.TFloat32;

/** A float32 matrix, row-major. */
record FloatMatrix(float[] values, int rows, int columns) {
  FloatMatrix {
    if ((long) rows * columns != values.length) {
      throw new IllegalArgumentException(rows + " x " + columns + " is not " + values.length + " values");
    }
  }

  /** A copy of a rank-2 tensor's values. */
  static FloatMatrix of(TFloat32 tensor) {
    long[] shape = tensor.shape().asArray();
    if (shape.length != 2) {
      throw new IllegalArgumentException("a matrix product's weight of rank " + shape.length + ", not 2");
    }
    float[] values = new float[Math.toIntExact(tensor.size())];
    tensor.asRawTensor().data().asFloats().read(values);
    return new FloatMatrix(values, Math.toIntExact(shape[0]), Math.toIntExact(shape[1]));
  }

  long size() {
    return values.length;
  }

  float get(int row, int column) {
    return values[row * columns + column];
  }

  FloatMatrix transposed() {
    float[] out = new float[values.length];
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < columns; c++) {
        out[c * rows + r] = values[r * columns + c];
      }
    }
    return new FloatMatrix(out, columns, rows);
  }
}
