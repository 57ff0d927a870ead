package io.dlf.trainer.server.submit;

import io.dlf.proto.trainer.v1.TrainingSettings;
import io.dlf.server.GrpcErrors.FieldViolation;
import io.dlf.trainer.server.devices.DeviceRequest;
import java.util.List;
import java.util.Optional;

/** The device a request's settings ask for. */
public final class DeviceRequests {
  private DeviceRequests() {}

  /** PREFER_GPU when unset; empty for a value this trainer does not know. */
  public static Optional<DeviceRequest> of(TrainingSettings.Device device) {
    return switch (device) {
      case DEVICE_UNSPECIFIED, PREFER_GPU -> Optional.of(DeviceRequest.PREFER_GPU);
      case REQUIRE_GPU -> Optional.of(DeviceRequest.REQUIRE_GPU);
      case CPU -> Optional.of(DeviceRequest.CPU);
      case UNRECOGNIZED -> Optional.empty();
    };
  }

  /** The device {@code settings} ask for, PREFER_GPU when unset; an unknown value is added to {@code violations}. */
  static DeviceRequest of(TrainingSettings settings, List<FieldViolation> violations) {
    return of(settings.getDevice()).orElseGet(() -> {
      violations.add(new FieldViolation("training.device", "unknown value; expected PREFER_GPU, REQUIRE_GPU or CPU"));
      return DeviceRequest.PREFER_GPU;
    });
  }
}
