package io.dlf.client;

import io.dlf.proto.serving.v1.GetModelMetadataRequest;
import io.dlf.proto.serving.v1.GetModelStatusRequest;
import io.dlf.proto.serving.v1.ListModelsRequest;
import io.dlf.proto.serving.v1.ModelMetadata;
import io.dlf.proto.serving.v1.ModelServiceGrpc;
import io.dlf.proto.serving.v1.ModelStatus;
import io.dlf.proto.serving.v1.PredictRequest;
import io.dlf.proto.serving.v1.PredictResponse;
import io.dlf.proto.serving.v1.PredictionServiceGrpc;
import io.dlf.proto.serving.v1.RemoveLabelRequest;
import io.dlf.proto.serving.v1.SetLabelRequest;
import java.util.List;
import java.util.Map;

/**
 * Predictions from raw feature values, and the serving server's model administration (versions,
 * labels).
 *
 * <p>Retried on UNAVAILABLE: Predict, ListModels, GetModelStatus and GetModelMetadata. Predict
 * changes nothing on the server, so repeating it is safe, and UNAVAILABLE is what a version still
 * loading answers. SetLabel and RemoveLabel change state and are not retried.
 */
public final class PredictionClient implements AutoCloseable {
  /** The serving server's default address. */
  public static final Target DEFAULT_TARGET = new Target("localhost", 8500);

  static final List<String> RETRYABLE = List.of(
      PredictionServiceGrpc.getPredictMethod().getFullMethodName(),
      ModelServiceGrpc.getListModelsMethod().getFullMethodName(),
      ModelServiceGrpc.getGetModelStatusMethod().getFullMethodName(),
      ModelServiceGrpc.getGetModelMetadataMethod().getFullMethodName());

  private final Connection connection;
  private final PredictionServiceGrpc.PredictionServiceBlockingStub predictions;
  private final ModelServiceGrpc.ModelServiceBlockingStub models;

  private PredictionClient(Connection connection) {
    this.connection = connection;
    this.predictions = PredictionServiceGrpc.newBlockingStub(connection.channel());
    this.models = ModelServiceGrpc.newBlockingStub(connection.channel());
  }

  public static ClientBuilder<PredictionClient> builder() {
    return new ClientBuilder<>("serving server", DEFAULT_TARGET, RETRYABLE, PredictionClient::new);
  }

  public Target target() {
    return connection.target();
  }

  /** One probability per example; see {@link Examples#of} for how Java values map to features. */
  public Predictions predict(ModelRef model, List<? extends Map<String, ?>> examples) {
    PredictRequest.Builder request = PredictRequest.newBuilder().setModel(model.toProto());
    examples.forEach(e -> request.addExamples(Examples.of(e)));
    PredictResponse response = predict(request.build());
    return new Predictions(response.getModel(), response.getVersion(), response.getProbabilitiesList());
  }

  public PredictResponse predict(PredictRequest request) {
    return connection.call(predictions, PredictionServiceGrpc.getPredictMethod(), s -> s.predict(request));
  }

  public List<ModelStatus> models() {
    return connection.call(models, ModelServiceGrpc.getListModelsMethod(),
        s -> s.listModels(ListModelsRequest.getDefaultInstance())).getModelsList();
  }

  /** One model's versions and labels; {@code version} 0 for every version. */
  public ModelStatus status(String model, long version) {
    GetModelStatusRequest request = GetModelStatusRequest.newBuilder().setName(model).setVersion(version).build();
    return connection.call(models, ModelServiceGrpc.getGetModelStatusMethod(), s -> s.getModelStatus(request));
  }

  public ModelMetadata metadata(ModelRef model) {
    GetModelMetadataRequest request = GetModelMetadataRequest.newBuilder().setModel(model.toProto()).build();
    return connection.call(models, ModelServiceGrpc.getGetModelMetadataMethod(), s -> s.getModelMetadata(request));
  }

  /** Points {@code label} at an available version of {@code model}. */
  public ModelStatus setLabel(String model, String label, long version) {
    SetLabelRequest request = SetLabelRequest.newBuilder().setModel(model).setLabel(label).setVersion(version).build();
    return connection.call(models, ModelServiceGrpc.getSetLabelMethod(), s -> s.setLabel(request));
  }

  public ModelStatus removeLabel(String model, String label) {
    RemoveLabelRequest request = RemoveLabelRequest.newBuilder().setModel(model).setLabel(label).build();
    return connection.call(models, ModelServiceGrpc.getRemoveLabelMethod(), s -> s.removeLabel(request));
  }

  @Override
  public void close() {
    connection.close();
  }
}
