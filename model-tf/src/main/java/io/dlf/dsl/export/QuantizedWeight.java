package io.dlf.dsl.export;

/**
 * A weight matrix (rows are the product's inputs, columns its outputs) as int8 with a scale per
 * column: {@code w[r][c] ≈ values[r][c] × scales[c]}. {@code columnSums[c]} is the sum of column c's
 * integers, which a product of shifted activations needs to undo the shift.
 */
record QuantizedWeight(byte[] values, float[] scales, float[] columnSums, int rows, int columns) {
  private static final float LARGEST = 127f;

  static QuantizedWeight of(FloatMatrix weight) {
    int rows = weight.rows();
    int columns = weight.columns();
    float[] scales = new float[columns];
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < columns; c++) {
        scales[c] = Math.max(scales[c], Math.abs(weight.get(r, c)));
      }
    }
    for (int c = 0; c < columns; c++) {
      // an all-zero column quantizes to zeros whatever its scale
      scales[c] = scales[c] == 0 ? 1f : scales[c] / LARGEST;
    }
    byte[] values = new byte[rows * columns];
    float[] columnSums = new float[columns];
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < columns; c++) {
        int quantized = Math.round(weight.get(r, c) / scales[c]);
        values[r * columns + c] = (byte) quantized;
        columnSums[c] += quantized;
      }
    }
    return new QuantizedWeight(values, scales, columnSums, rows, columns);
  }
}
