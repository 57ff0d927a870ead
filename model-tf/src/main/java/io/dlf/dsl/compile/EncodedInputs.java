package io.dlf.dsl.compile;

import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * The model's inputs as ids and values, grouped by kind (see {@link FieldLayout}).
 *
 * @param categorical {@code [B, categorical fields]} per-vocabulary ids; null when there are none
 * @param numeric {@code [B, numeric fields]} raw values, NaN where missing; null when there are none
 * @param sequences per sequence feature, {@code [B, max_length]} ids with 0 as padding
 */
public record EncodedInputs(
    Operand<TInt32> categorical, Operand<TFloat32> numeric, Map<String, Operand<TInt32>> sequences) {

  public EncodedInputs {
    sequences = Map.copyOf(sequences);
  }
}
