package io.dlf.serving.grpc;

import com.google.common.base.Splitter;
import io.dlf.dsl.encode.RawBatch;
import io.dlf.dsl.spec.Feature;
import io.dlf.proto.serving.v1.Column;
import io.dlf.proto.serving.v1.Example;
import io.dlf.proto.serving.v1.FeatureValue;
import io.dlf.proto.serving.v1.PredictRequest;
import io.dlf.serving.ServingException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The examples of a {@link PredictRequest}, sent row by row ({@code examples}) or column by column ({@code columns}). */
final class PredictExamples implements ExampleSource {
  private final PredictRequest request;

  PredictExamples(PredictRequest request) {
    this.request = request;
  }

  @Override
  public int size() {
    if (request.getExamplesCount() > 0) {
      return request.getExamplesCount();
    }
    return request.getColumns().getColumnsMap().values().stream().mapToInt(PredictExamples::length).max().orElse(0);
  }

  @Override
  public RawBatch decode(List<Feature> inputs, String target) {
    if (request.getExamplesCount() > 0 && request.getColumns().getColumnsCount() > 0) {
      throw ServingException.invalid("columns", "send the batch as examples or as columns, not both");
    }
    return request.getExamplesCount() > 0 ? rows(inputs, target) : columns(inputs, target);
  }

  private RawBatch rows(List<Feature> inputs, String target) {
    int n = request.getExamplesCount();
    for (int i = 0; i < n; i++) {
      int example = i;
      InputNames.check(request.getExamples(i).getFeaturesMap().keySet(), inputs, "example " + i, target,
          name -> "examples[" + example + "].features[" + name + "]");
    }
    Map<String, String[]> strings = new HashMap<>();
    Map<String, float[]> numbers = new HashMap<>();
    Map<String, String[][]> sequences = new HashMap<>();
    for (Feature f : inputs) {
      switch (f.kind()) {
        case CATEGORICAL -> {
          String[] values = new String[n];
          for (int i = 0; i < n; i++) {
            FeatureValue v = value(i, f);
            if (v.getKindCase() != FeatureValue.KindCase.STRING_VALUE) {
              throw wrongType(i, f, v, "string_value");
            }
            values[i] = v.getStringValue();
          }
          strings.put(f.name(), values);
        }
        case NUMERIC -> {
          float[] values = new float[n];
          for (int i = 0; i < n; i++) {
            FeatureValue v = value(i, f);
            if (v.getKindCase() != FeatureValue.KindCase.FLOAT_VALUE) {
              throw wrongType(i, f, v, "float_value (NaN for missing)");
            }
            values[i] = v.getFloatValue();
          }
          numbers.put(f.name(), values);
        }
        case SEQUENCE -> {
          String[][] values = new String[n][];
          for (int i = 0; i < n; i++) {
            FeatureValue v = value(i, f);
            values[i] = switch (v.getKindCase()) {
              case TOKENS -> v.getTokens().getTokensList().toArray(String[]::new);
              case STRING_VALUE -> split(f, v.getStringValue());
              default -> throw wrongType(i, f, v, "tokens (or string_value joined by '" + f.separator() + "')");
            };
          }
          sequences.put(f.name(), values);
        }
      }
    }
    return new RawBatch(n, strings, numbers, sequences);
  }

  private FeatureValue value(int example, Feature feature) {
    Example e = request.getExamples(example);
    return e.getFeaturesOrThrow(feature.name());
  }

  private static ServingException wrongType(int example, Feature f, FeatureValue v, String expected) {
    String sent = v.getKindCase() == FeatureValue.KindCase.KIND_NOT_SET ? "no value"
        : v.getKindCase().name().toLowerCase(java.util.Locale.ROOT);
    return ServingException.invalid("examples[" + example + "].features[" + f.name() + "]",
        "feature '" + f.name() + "' is " + InputNames.kind(f) + ": send " + expected + ", not " + sent);
  }

  private RawBatch columns(List<Feature> inputs, String target) {
    Map<String, Column> columns = request.getColumns().getColumnsMap();
    InputNames.check(columns.keySet(), inputs, "the columns", target, name -> "columns[" + name + "]");
    int n = size();
    Map<String, String[]> strings = new HashMap<>();
    Map<String, float[]> numbers = new HashMap<>();
    Map<String, String[][]> sequences = new HashMap<>();
    for (Feature f : inputs) {
      Column c = columns.get(f.name());
      if (length(c) != n) {
        throw ServingException.invalid("columns[" + f.name() + "]", "column '" + f.name() + "' has " + length(c)
            + " values and another has " + n + "; every column needs one value per example");
      }
      switch (f.kind()) {
        case CATEGORICAL -> {
          if (c.getValuesCase() != Column.ValuesCase.STRINGS) {
            throw wrongType(f, c, "strings");
          }
          strings.put(f.name(), c.getStrings().getValuesList().toArray(String[]::new));
        }
        case NUMERIC -> {
          if (c.getValuesCase() != Column.ValuesCase.FLOATS) {
            throw wrongType(f, c, "floats (NaN for missing)");
          }
          float[] values = new float[n];
          for (int i = 0; i < n; i++) {
            values[i] = c.getFloats().getValues(i);
          }
          numbers.put(f.name(), values);
        }
        case SEQUENCE -> {
          String[][] values = new String[n][];
          if (c.getValuesCase() == Column.ValuesCase.TOKEN_LISTS) {
            for (int i = 0; i < n; i++) {
              values[i] = c.getTokenLists().getValues(i).getTokensList().toArray(String[]::new);
            }
          } else if (c.getValuesCase() == Column.ValuesCase.STRINGS) {
            for (int i = 0; i < n; i++) {
              values[i] = split(f, c.getStrings().getValues(i));
            }
          } else {
            throw wrongType(f, c, "token_lists (or strings joined by '" + f.separator() + "')");
          }
          sequences.put(f.name(), values);
        }
      }
    }
    return new RawBatch(n, strings, numbers, sequences);
  }

  private static ServingException wrongType(Feature f, Column c, String expected) {
    String sent = c.getValuesCase() == Column.ValuesCase.VALUES_NOT_SET ? "no values"
        : c.getValuesCase().name().toLowerCase(java.util.Locale.ROOT);
    return ServingException.invalid("columns[" + f.name() + "]",
        "feature '" + f.name() + "' is " + InputNames.kind(f) + ": send " + expected + ", not " + sent);
  }

  private static int length(Column c) {
    return switch (c.getValuesCase()) {
      case STRINGS -> c.getStrings().getValuesCount();
      case FLOATS -> c.getFloats().getValuesCount();
      case TOKEN_LISTS -> c.getTokenLists().getValuesCount();
      case VALUES_NOT_SET -> 0;
    };
  }

  /** A sequence sent as one string, tokens joined by the feature's separator, as in training files. */
  private static String[] split(Feature f, String joined) {
    return Splitter.on(f.separator()).omitEmptyStrings().splitToList(joined).toArray(String[]::new);
  }
}
