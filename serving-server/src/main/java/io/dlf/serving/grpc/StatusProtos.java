package io.dlf.serving.grpc;

import io.dlf.proto.serving.v1.FeatureKind;
import io.dlf.proto.serving.v1.InputFeature;
import io.dlf.proto.serving.v1.LabelsFileStatus;
import io.dlf.proto.serving.v1.ModelStatus;
import io.dlf.proto.serving.v1.VersionState;
import io.dlf.proto.serving.v1.VersionStatus;
import io.dlf.dsl.spec.Feature;

/** Domain records to their {@code dlf.serving.v1} messages. */
final class StatusProtos {
  private StatusProtos() {}

  static ModelStatus model(io.dlf.serving.version.ModelStatus status) {
    ModelStatus.Builder proto = ModelStatus.newBuilder()
        .setName(status.name())
        .putAllLabels(status.labels())
        .setLatest(status.latest())
        .setVersionPolicy(status.policy().text())
        .setLabelsFile(LabelsFileStatus.newBuilder()
            .setPath(status.labelsFile().path())
            .setGeneration(status.labelsFile().generation())
            .putAllPending(status.labelsFile().pending())
            .addAllErrors(status.labelsFile().errors()));
    status.versions().forEach(v -> proto.addVersions(VersionStatus.newBuilder()
        .setVersion(v.version())
        .setState(state(v.state()))
        .setError(v.error())
        .setSince(v.since().toString())));
    return proto.build();
  }

  private static VersionState state(io.dlf.serving.version.VersionState state) {
    return switch (state) {
      case LOADING -> VersionState.VERSION_STATE_LOADING;
      case AVAILABLE -> VersionState.VERSION_STATE_AVAILABLE;
      case UNLOADING -> VersionState.VERSION_STATE_UNLOADING;
      case FAILED -> VersionState.VERSION_STATE_FAILED;
    };
  }

  static InputFeature input(Feature feature) {
    InputFeature.Builder proto = InputFeature.newBuilder().setName(feature.name()).setKind(switch (feature.kind()) {
      case CATEGORICAL -> FeatureKind.FEATURE_KIND_CATEGORICAL;
      case NUMERIC -> FeatureKind.FEATURE_KIND_NUMERIC;
      case SEQUENCE -> FeatureKind.FEATURE_KIND_SEQUENCE;
    });
    if (feature.kind() == io.dlf.dsl.spec.FeatureKind.SEQUENCE) {
      proto.setMaxLength(feature.maxLength()).setSeparator(feature.separator());
    }
    return proto.build();
  }
}
