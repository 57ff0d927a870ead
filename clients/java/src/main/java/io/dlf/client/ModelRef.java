package io.dlf.client;

import static java.util.Objects.requireNonNull;

import io.dlf.proto.serving.v1.ModelSpec;
import java.util.Optional;
import java.util.OptionalLong;

/** Which version of a model answers: a version number, a label, or neither (the latest available). */
public record ModelRef(String name, OptionalLong version, Optional<String> label) {

  public ModelRef {
    requireNonNull(name, "name is null");
    requireNonNull(version, "version is null");
    requireNonNull(label, "label is null");
    if (version.isPresent() && label.isPresent()) {
      throw new IllegalArgumentException("name a version or a label, not both");
    }
  }

  public static ModelRef latest(String name) {
    return new ModelRef(name, OptionalLong.empty(), Optional.empty());
  }

  public static ModelRef version(String name, long version) {
    return new ModelRef(name, OptionalLong.of(version), Optional.empty());
  }

  public static ModelRef label(String name, String label) {
    return new ModelRef(name, OptionalLong.empty(), Optional.of(label));
  }

  ModelSpec toProto() {
    ModelSpec.Builder spec = ModelSpec.newBuilder().setName(name);
    version.ifPresent(spec::setVersion);
    label.ifPresent(spec::setLabel);
    return spec.build();
  }
}
