package io.dlf.trainer.server.devices;

/** What a job asks for. */
public enum DeviceRequest {
  /** A GPU when the trainer has one, otherwise the CPU. */
  PREFER_GPU,
  /** A GPU or nothing. */
  REQUIRE_GPU,
  CPU
}
