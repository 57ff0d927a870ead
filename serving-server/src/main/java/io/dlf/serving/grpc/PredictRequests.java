package io.dlf.serving.grpc;

import io.dlf.dsl.encode.RawBatch;
import io.dlf.proto.serving.v1.Column;
import io.dlf.proto.serving.v1.Columns;
import io.dlf.proto.serving.v1.Example;
import io.dlf.proto.serving.v1.FeatureValue;
import io.dlf.proto.serving.v1.FloatColumn;
import io.dlf.proto.serving.v1.ModelSpec;
import io.dlf.proto.serving.v1.PredictRequest;
import io.dlf.proto.serving.v1.StringColumn;
import io.dlf.proto.serving.v1.Tokens;
import io.dlf.proto.serving.v1.TokensColumn;
import java.util.Arrays;

/** {@code dlf.serving.v1.PredictRequest}s from raw feature values, for Java callers: row by row or column by column. */
public final class PredictRequests {
  private PredictRequests() {}

  /** The batch as {@code examples}, one message per example. */
  public static PredictRequest rows(ModelSpec model, RawBatch batch) {
    PredictRequest.Builder request = PredictRequest.newBuilder().setModel(model);
    for (int i = 0; i < batch.size(); i++) {
      Example.Builder example = Example.newBuilder();
      int row = i;
      batch.strings().forEach((name, values) ->
          example.putFeatures(name, FeatureValue.newBuilder().setStringValue(values[row]).build()));
      batch.numbers().forEach((name, values) ->
          example.putFeatures(name, FeatureValue.newBuilder().setFloatValue(values[row]).build()));
      batch.sequences().forEach((name, values) -> example.putFeatures(name, FeatureValue.newBuilder()
          .setTokens(Tokens.newBuilder().addAllTokens(Arrays.asList(values[row]))).build()));
      request.addExamples(example);
    }
    return request.build();
  }

  /** The batch as {@code columns}, one message per feature: compact for large batches. */
  public static PredictRequest columns(ModelSpec model, RawBatch batch) {
    Columns.Builder columns = Columns.newBuilder();
    batch.strings().forEach((name, values) -> columns.putColumns(name, Column.newBuilder()
        .setStrings(StringColumn.newBuilder().addAllValues(Arrays.asList(values))).build()));
    batch.numbers().forEach((name, values) -> {
      FloatColumn.Builder floats = FloatColumn.newBuilder();
      for (float v : values) {
        floats.addValues(v);
      }
      columns.putColumns(name, Column.newBuilder().setFloats(floats).build());
    });
    batch.sequences().forEach((name, values) -> {
      TokensColumn.Builder lists = TokensColumn.newBuilder();
      for (String[] tokens : values) {
        lists.addValues(Tokens.newBuilder().addAllTokens(Arrays.asList(tokens)));
      }
      columns.putColumns(name, Column.newBuilder().setTokenLists(lists).build());
    });
    return PredictRequest.newBuilder().setModel(model).setColumns(columns).build();
  }
}
