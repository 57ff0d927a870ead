package io.dlf.trainer.server.devices;

/** The kinds of TensorFlow device a job can train on. */
public enum DeviceKind {
  CPU,
  GPU
}
