package io.dlf.serving.grpc;

import com.google.inject.Inject;
import com.google.inject.Singleton;
import io.dlf.proto.serving.v1.GetModelMetadataRequest;
import io.dlf.proto.serving.v1.GetModelStatusRequest;
import io.dlf.proto.serving.v1.ListModelsRequest;
import io.dlf.proto.serving.v1.ListModelsResponse;
import io.dlf.proto.serving.v1.ModelMetadata;
import io.dlf.proto.serving.v1.ModelServiceGrpc;
import io.dlf.proto.serving.v1.ModelStatus;
import io.dlf.proto.serving.v1.ReloadRequest;
import io.dlf.proto.serving.v1.ReloadResponse;
import io.dlf.proto.serving.v1.RemoveLabelRequest;
import io.dlf.proto.serving.v1.SetLabelRequest;
import io.dlf.serving.ServingException;
import io.dlf.serving.ServingException.Kind;
import io.dlf.serving.model.VersionInfo;
import io.dlf.serving.predict.BatchingConfig;
import io.dlf.serving.repository.RepositoryWatcher;
import io.dlf.serving.version.Lease;
import io.dlf.serving.version.VersionManager;
import io.grpc.stub.StreamObserver;
import java.util.Optional;

/** {@code dlf.serving.v1.ModelService}: versions, their states and errors, labels, reload. */
@Singleton
final class ModelServiceImpl extends ModelServiceGrpc.ModelServiceImplBase {
  private final VersionManager versions;
  private final RepositoryWatcher watcher;
  private final BatchingConfig batching;

  @Inject
  ModelServiceImpl(VersionManager versions, RepositoryWatcher watcher, BatchingConfig batching) {
    this.versions = versions;
    this.watcher = watcher;
    this.batching = batching;
  }

  @Override
  public void listModels(ListModelsRequest request, StreamObserver<ListModelsResponse> observer) {
    Calls.unary(observer, () -> {
      ListModelsResponse.Builder response = ListModelsResponse.newBuilder();
      versions.statuses().forEach(s -> response.addModels(StatusProtos.model(s)));
      return response.build();
    });
  }

  @Override
  public void getModelStatus(GetModelStatusRequest request, StreamObserver<ModelStatus> observer) {
    Calls.unary(observer, () -> {
      ModelStatus status = StatusProtos.model(versions.status(request.getName()));
      if (request.getVersion() == 0) {
        return status;
      }
      ModelStatus.Builder one = status.toBuilder().clearVersions();
      status.getVersionsList().stream().filter(v -> v.getVersion() == request.getVersion()).forEach(one::addVersions);
      if (one.getVersionsCount() == 0) {
        throw ServingException.of(Kind.NOT_FOUND, "VERSION_NOT_FOUND", "model '" + request.getName()
            + "' has no version " + request.getVersion() + " on this server");
      }
      return one.build();
    });
  }

  @Override
  public void getModelMetadata(GetModelMetadataRequest request, StreamObserver<ModelMetadata> observer) {
    Calls.unary(observer, () -> {
      try (Lease lease = versions.acquire(request.getModel().getName(), Selectors.of(request.getModel()))) {
        VersionInfo info = lease.version().servable().info();
        ModelMetadata.Builder metadata = ModelMetadata.newBuilder()
            .setModel(request.getModel().getName())
            .setVersion(lease.version().version())
            .setMaxExamplesPerRequest(batching.maxExamplesPerRequest())
            .setCreatedAt(info.createdAt())
            .setTestAuc(info.testAuc())
            .setTestLogloss(info.testLogloss())
            .setPrecision(info.precision());
        lease.version().servable().inputs().forEach(f -> metadata.addInputs(StatusProtos.input(f)));
        return metadata.build();
      }
    });
  }

  @Override
  public void setLabel(SetLabelRequest request, StreamObserver<ModelStatus> observer) {
    Calls.unary(observer, () -> StatusProtos.model(
        versions.setLabel(request.getModel(), request.getLabel(), request.getVersion())));
  }

  @Override
  public void removeLabel(RemoveLabelRequest request, StreamObserver<ModelStatus> observer) {
    Calls.unary(observer, () -> StatusProtos.model(versions.removeLabel(request.getModel(), request.getLabel())));
  }

  @Override
  public void reload(ReloadRequest request, StreamObserver<ReloadResponse> observer) {
    Optional<String> model = request.getModel().isEmpty() ? Optional.empty() : Optional.of(request.getModel());
    watcher.reload(model).whenComplete((loaded, error) -> {
      if (error != null) {
        Calls.fail(observer, ServingErrors.toStatus(error));
        return;
      }
      Calls.unary(observer, () -> {
        ReloadResponse.Builder response = ReloadResponse.newBuilder();
        if (model.isPresent()) {
          response.addModels(StatusProtos.model(versions.status(model.get())));
        } else {
          versions.statuses().forEach(s -> response.addModels(StatusProtos.model(s)));
        }
        return response.build();
      });
    });
  }
}
