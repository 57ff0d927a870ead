package io.dlf.dsl.compile;

import java.util.LinkedHashMap;
import java.util.Map;
import org.tensorflow.Graph;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.family.TType;

/**
 * The encoded-input placeholders of a graph: what a trainer or an in-process predictor feeds.
 * Absent kinds are null (a model without numeric fields has no numeric placeholder).
 */
public record ModelPlaceholders(
    Placeholder<TInt32> categorical,
    Placeholder<TFloat32> numeric,
    Map<String, Placeholder<TInt32>> sequences) {

  public static final String CATEGORICAL = "categorical_ids";
  public static final String NUMERIC = "numeric_values";
  public static final String SEQUENCE_PREFIX = "sequence_ids_";

  public ModelPlaceholders {
    sequences = Map.copyOf(sequences);
  }

  static ModelPlaceholders create(Ops tf, FieldLayout layout) {
    Placeholder<TInt32> categorical = layout.categorical().isEmpty() ? null
        : tf.withName(CATEGORICAL).placeholder(TInt32.class,
            Placeholder.shape(Shape.of(-1, layout.categorical().size())));
    Placeholder<TFloat32> numeric = layout.numeric().isEmpty() ? null
        : tf.withName(NUMERIC).placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, layout.numeric().size())));
    Map<String, Placeholder<TInt32>> sequences = new LinkedHashMap<>();
    layout.sequences().forEach(f -> sequences.put(f.name(), tf.withName(SEQUENCE_PREFIX + f.name())
        .placeholder(TInt32.class, Placeholder.shape(Shape.of(-1, f.maxLength())))));
    return new ModelPlaceholders(categorical, numeric, sequences);
  }

  /** The same-named placeholders in {@code copy}, a graph imported from this one's GraphDef. */
  ModelPlaceholders in(Graph copy) {
    Map<String, Placeholder<TInt32>> copied = new LinkedHashMap<>();
    sequences.forEach((name, p) -> copied.put(name, same(copy, p)));
    return new ModelPlaceholders(categorical == null ? null : same(copy, categorical),
        numeric == null ? null : same(copy, numeric), copied);
  }

  private static <T extends TType> Placeholder<T> same(Graph copy, Placeholder<T> placeholder) {
    return new Placeholder<>(copy.operationOrThrow(placeholder.op().name()));
  }

  EncodedInputs asInputs() {
    return new EncodedInputs(categorical, numeric, Map.copyOf(sequences));
  }
}
