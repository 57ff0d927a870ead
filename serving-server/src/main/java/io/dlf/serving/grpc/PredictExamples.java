package io.dlf.serving.grpc;

import io.dlf.dsl.encode.RawBatch;
import io.dlf.dsl.spec.Feature;
import io.dlf.proto.serving.v1.Column;
import io.dlf.proto.serving.v1.PredictRequest;
import io.dlf.serving.ServingException;
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
    return request.getColumns().getColumnsMap().values().stream().mapToInt(ExampleColumns::length).max().orElse(0);
  }

  @Override
  public RawBatch decode(List<Feature> inputs, String target) {
    if (request.getExamplesCount() > 0 && request.getColumns().getColumnsCount() > 0) {
      throw ServingException.invalid("columns", "send the batch as examples or as columns, not both");
    }
    if (request.getExamplesCount() > 0) {
      for (int i = 0; i < request.getExamplesCount(); i++) {
        int example = i;
        InputNames.check(request.getExamples(i).getFeaturesMap().keySet(), inputs, "example " + i, target,
            name -> "examples[" + example + "].features[" + name + "]");
      }
      return RawBatch.of(inputs, size(), new ExampleRows(request.getExamplesList()));
    }
    Map<String, Column> columns = request.getColumns().getColumnsMap();
    InputNames.check(columns.keySet(), inputs, "the columns", target, name -> "columns[" + name + "]");
    return RawBatch.of(inputs, size(), new ExampleColumns(columns, size()));
  }
}
