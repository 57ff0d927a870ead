package io.dlf.serving.grpc;

import io.dlf.dsl.encode.RawColumnSource;
import io.dlf.dsl.encode.SequenceTokenizer;
import io.dlf.dsl.spec.Feature;
import io.dlf.proto.serving.v1.Example;
import io.dlf.proto.serving.v1.FeatureValue;
import io.dlf.serving.ServingException;
import java.util.List;
import java.util.Locale;

/** A Predict batch sent row by row: each example holds every input (checked before), each value is type-checked here. */
final class ExampleRows implements RawColumnSource {
  private final List<Example> examples;

  ExampleRows(List<Example> examples) {
    this.examples = examples;
  }

  @Override
  public String[] categorical(Feature feature) {
    String[] values = new String[examples.size()];
    for (int i = 0; i < values.length; i++) {
      FeatureValue v = value(i, feature);
      if (v.getKindCase() != FeatureValue.KindCase.STRING_VALUE) {
        throw wrongType(i, feature, v, "string_value");
      }
      values[i] = v.getStringValue();
    }
    return values;
  }

  @Override
  public float[] numeric(Feature feature) {
    float[] values = new float[examples.size()];
    for (int i = 0; i < values.length; i++) {
      FeatureValue v = value(i, feature);
      if (v.getKindCase() != FeatureValue.KindCase.FLOAT_VALUE) {
        throw wrongType(i, feature, v, "float_value (NaN for missing)");
      }
      values[i] = v.getFloatValue();
    }
    return values;
  }

  @Override
  public String[][] sequence(Feature feature) {
    String[][] values = new String[examples.size()][];
    for (int i = 0; i < values.length; i++) {
      FeatureValue v = value(i, feature);
      values[i] = switch (v.getKindCase()) {
        case TOKENS -> v.getTokens().getTokensList().toArray(String[]::new);
        case STRING_VALUE -> SequenceTokenizer.split(v.getStringValue(), feature.separator());
        default -> throw wrongType(i, feature, v, "tokens (or string_value joined by '" + feature.separator() + "')");
      };
    }
    return values;
  }

  private FeatureValue value(int example, Feature feature) {
    return examples.get(example).getFeaturesOrThrow(feature.name());
  }

  private static ServingException wrongType(int example, Feature f, FeatureValue v, String expected) {
    String sent = v.getKindCase() == FeatureValue.KindCase.KIND_NOT_SET ? "no value"
        : v.getKindCase().name().toLowerCase(Locale.ROOT);
    return ServingException.invalid("examples[" + example + "].features[" + f.name() + "]",
        "feature '" + f.name() + "' is " + InputNames.kind(f) + ": send " + expected + ", not " + sent);
  }
}
