package io.dlf.client;

import io.dlf.proto.serving.v1.Example;
import io.dlf.proto.serving.v1.FeatureValue;
import io.dlf.proto.serving.v1.Tokens;
import java.util.Collection;
import java.util.Map;

/** Raw feature values as plain Java values, turned into the serving API's examples. */
final class Examples {
  private Examples() {}

  /**
   * A string is a categorical value, a number a numeric one, {@code null} a missing number (NaN),
   * and a collection a sequence's tokens (each turned into its string form).
   */
  static Example of(Map<String, ?> features) {
    Example.Builder example = Example.newBuilder();
    features.forEach((name, value) -> example.putFeatures(name, value(name, value)));
    return example.build();
  }

  private static FeatureValue value(String name, Object value) {
    if (value == null) {
      return FeatureValue.newBuilder().setFloatValue(Float.NaN).build();
    }
    if (value instanceof CharSequence s) {
      return FeatureValue.newBuilder().setStringValue(s.toString()).build();
    }
    if (value instanceof Number n) {
      return FeatureValue.newBuilder().setFloatValue(n.floatValue()).build();
    }
    if (value instanceof Collection<?> tokens) {
      Tokens.Builder list = Tokens.newBuilder();
      tokens.forEach(t -> list.addTokens(String.valueOf(t)));
      return FeatureValue.newBuilder().setTokens(list).build();
    }
    throw new IllegalArgumentException("feature '" + name + "': " + value.getClass().getSimpleName()
        + " is not a string, a number, null or a list of tokens");
  }
}
