package io.dlf.serving.grpc;

import io.dlf.proto.serving.v1.ModelSpec;
import io.dlf.serving.version.VersionSelector;

/** The version a {@code dlf.serving.v1.ModelSpec} asks for. */
final class Selectors {
  private Selectors() {}

  static VersionSelector of(ModelSpec spec) {
    return switch (spec.getVersionChoiceCase()) {
      case VERSION -> VersionSelector.number(spec.getVersion());
      case LABEL -> VersionSelector.label(spec.getLabel());
      case VERSIONCHOICE_NOT_SET -> VersionSelector.latest();
    };
  }
}
