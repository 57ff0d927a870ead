package io.dlf.trainer.server.submit;

import io.dlf.proto.trainer.v1.TrainingSettings;
import io.dlf.trainer.server.devices.DeviceRequest;
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
}
