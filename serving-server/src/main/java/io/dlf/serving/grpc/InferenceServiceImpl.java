package io.dlf.serving.grpc;

import com.google.inject.Inject;
import com.google.inject.Singleton;
import io.dlf.dsl.spec.Feature;
import io.dlf.proto.inference.GRPCInferenceServiceGrpc;
import io.dlf.proto.inference.ModelInferRequest;
import io.dlf.proto.inference.ModelInferResponse;
import io.dlf.proto.inference.ModelMetadataRequest;
import io.dlf.proto.inference.ModelMetadataResponse;
import io.dlf.proto.inference.ModelMetadataResponse.TensorMetadata;
import io.dlf.proto.inference.ModelReadyRequest;
import io.dlf.proto.inference.ModelReadyResponse;
import io.dlf.proto.inference.ServerLiveRequest;
import io.dlf.proto.inference.ServerLiveResponse;
import io.dlf.proto.inference.ServerMetadataRequest;
import io.dlf.proto.inference.ServerMetadataResponse;
import io.dlf.proto.inference.ServerReadyRequest;
import io.dlf.proto.inference.ServerReadyResponse;
import io.dlf.serving.ServingException;
import io.dlf.serving.model.VersionInfo;
import io.dlf.serving.version.Lease;
import io.dlf.serving.version.VersionManager;
import io.dlf.serving.version.VersionSelector;
import io.dlf.serving.version.VersionState;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;

/**
 * The KServe v2 / Open Inference Protocol service ({@code inference.GRPCInferenceService}), so
 * Triton and KServe clients can ask for predictions. A {@code version} may be a version number,
 * a label, or empty for the latest. See {@link InferenceTensors} for the tensors.
 */
@Singleton
final class InferenceServiceImpl extends GRPCInferenceServiceGrpc.GRPCInferenceServiceImplBase {
  static final String SERVER_NAME = "dlf-serving";
  static final String PLATFORM = "dlf_tensorflow_savedmodel";

  private final VersionManager versions;
  private final Predictions predictions;
  private final ServerReadiness readiness;

  @Inject
  InferenceServiceImpl(VersionManager versions, Predictions predictions, ServerReadiness readiness) {
    this.versions = versions;
    this.predictions = predictions;
    this.readiness = readiness;
  }

  @Override
  public void serverLive(ServerLiveRequest request, StreamObserver<ServerLiveResponse> observer) {
    Calls.respond(observer, ServerLiveResponse.newBuilder().setLive(true).build());
  }

  @Override
  public void serverReady(ServerReadyRequest request, StreamObserver<ServerReadyResponse> observer) {
    Calls.respond(observer, ServerReadyResponse.newBuilder().setReady(readiness.ready()).build());
  }

  @Override
  public void serverMetadata(ServerMetadataRequest request, StreamObserver<ServerMetadataResponse> observer) {
    String version = InferenceServiceImpl.class.getPackage().getImplementationVersion();
    Calls.respond(observer, ServerMetadataResponse.newBuilder().setName(SERVER_NAME)
        .setVersion(version == null ? "dev" : version).build());
  }

  /** Unknown model: NOT_FOUND; known model whose selected version cannot answer now: false. */
  @Override
  public void modelReady(ModelReadyRequest request, StreamObserver<ModelReadyResponse> observer) {
    Calls.unary(observer, () -> {
      versions.status(request.getName());
      Lease lease;
      try {
        lease = versions.acquire(request.getName(), VersionSelector.parse(request.getVersion()));
      } catch (ServingException notReady) {
        return ModelReadyResponse.newBuilder().setReady(false).build();
      }
      lease.close();
      return ModelReadyResponse.newBuilder().setReady(true).build();
    });
  }

  @Override
  public void modelMetadata(ModelMetadataRequest request, StreamObserver<ModelMetadataResponse> observer) {
    Calls.unary(observer, () -> {
      ModelMetadataResponse.Builder metadata = ModelMetadataResponse.newBuilder()
          .setName(request.getName()).setPlatform(PLATFORM);
      versions.status(request.getName()).versions().stream().filter(v -> v.state() == VersionState.AVAILABLE)
          .forEach(v -> metadata.addVersions(Long.toString(v.version())));
      try (Lease lease = versions.acquire(request.getName(), VersionSelector.parse(request.getVersion()))) {
        for (Feature f : lease.version().servable().inputs()) {
          metadata.addInputs(TensorMetadata.newBuilder().setName(f.name()).setDatatype(InferenceTensors.datatype(f))
              .addAllShape(InferenceTensors.shape(f)));
        }
        metadata.addOutputs(TensorMetadata.newBuilder().setName(InferenceTensors.OUTPUT)
            .setDatatype(InferenceTensors.FP32).addShape(-1));
        VersionInfo info = lease.version().servable().info();
        metadata.putProperties("version", Long.toString(lease.version().version()))
            .putProperties("created_at", info.createdAt())
            .putProperties("test_auc", Double.toString(info.testAuc()))
            .putProperties("test_logloss", Double.toString(info.testLogloss()))
            .putProperties("precision", info.precision());
      }
      return metadata.build();
    });
  }

  @Override
  public void modelInfer(ModelInferRequest request, StreamObserver<ModelInferResponse> observer) {
    ServerCallStreamObserver<ModelInferResponse> call = (ServerCallStreamObserver<ModelInferResponse>) observer;
    InferenceTensors tensors = new InferenceTensors(request);
    predictions.predict("kserve", request.getModelName(), VersionSelector.parse(request.getModelVersion()), tensors,
        Predictions.deadlineNanos(), call::isCancelled, new Predictions.Answer() {
          @Override
          public void succeeded(long version, float[] probabilities) {
            Calls.respond(call, tensors.respond(request.getModelName(), version, probabilities));
          }

          @Override
          public void failed(StatusRuntimeException status) {
            Calls.fail(call, status);
          }
        });
  }
}
