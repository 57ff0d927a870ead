package io.dlf.serving.grpc;

import io.dlf.dsl.encode.RawColumnSource;
import io.dlf.dsl.encode.SequenceTokenizer;
import io.dlf.dsl.spec.Feature;
import io.dlf.proto.serving.v1.Column;
import io.dlf.serving.ServingException;
import java.util.Locale;
import java.util.Map;

/** A Predict batch sent column by column: every input has a column (checked before) of {@code size} values. */
final class ExampleColumns implements RawColumnSource {
  private final Map<String, Column> columns;
  private final int size;

  ExampleColumns(Map<String, Column> columns, int size) {
    this.columns = columns;
    this.size = size;
  }

  static int length(Column c) {
    return switch (c.getValuesCase()) {
      case STRINGS -> c.getStrings().getValuesCount();
      case FLOATS -> c.getFloats().getValuesCount();
      case TOKEN_LISTS -> c.getTokenLists().getValuesCount();
      case VALUES_NOT_SET -> 0;
    };
  }

  @Override
  public String[] categorical(Feature feature) {
    Column c = column(feature);
    if (c.getValuesCase() != Column.ValuesCase.STRINGS) {
      throw wrongType(feature, c, "strings");
    }
    return c.getStrings().getValuesList().toArray(String[]::new);
  }

  @Override
  public float[] numeric(Feature feature) {
    Column c = column(feature);
    if (c.getValuesCase() != Column.ValuesCase.FLOATS) {
      throw wrongType(feature, c, "floats (NaN for missing)");
    }
    float[] values = new float[size];
    for (int i = 0; i < size; i++) {
      values[i] = c.getFloats().getValues(i);
    }
    return values;
  }

  @Override
  public String[][] sequence(Feature feature) {
    Column c = column(feature);
    String[][] values = new String[size][];
    if (c.getValuesCase() == Column.ValuesCase.TOKEN_LISTS) {
      for (int i = 0; i < size; i++) {
        values[i] = c.getTokenLists().getValues(i).getTokensList().toArray(String[]::new);
      }
    } else if (c.getValuesCase() == Column.ValuesCase.STRINGS) {
      for (int i = 0; i < size; i++) {
        values[i] = SequenceTokenizer.split(c.getStrings().getValues(i), feature.separator());
      }
    } else {
      throw wrongType(feature, c, "token_lists (or strings joined by '" + feature.separator() + "')");
    }
    return values;
  }

  /** The feature's column, which must hold one value per example. */
  private Column column(Feature f) {
    Column c = columns.get(f.name());
    if (length(c) != size) {
      throw ServingException.invalid("columns[" + f.name() + "]", "column '" + f.name() + "' has " + length(c)
          + " values and another has " + size + "; every column needs one value per example");
    }
    return c;
  }

  private static ServingException wrongType(Feature f, Column c, String expected) {
    String sent = c.getValuesCase() == Column.ValuesCase.VALUES_NOT_SET ? "no values"
        : c.getValuesCase().name().toLowerCase(Locale.ROOT);
    return ServingException.invalid("columns[" + f.name() + "]",
        "feature '" + f.name() + "' is " + InputNames.kind(f) + ": send " + expected + ", not " + sent);
  }
}
