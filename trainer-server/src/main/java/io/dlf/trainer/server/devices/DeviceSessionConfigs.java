package io.dlf.trainer.server.devices;

import io.dlf.dsl.compile.SessionConfigs;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.GPUOptions;

/** TensorFlow session settings that keep a job on its device. */
public final class DeviceSessionConfigs {
  private final int intraOpThreads;
  private final int interOpThreads;

  public DeviceSessionConfigs(int intraOpThreads, int interOpThreads) {
    this.intraOpThreads = intraOpThreads;
    this.interOpThreads = interOpThreads;
  }

  /**
   * A CPU job sees no GPU at all (so TensorFlow cannot place ops there); a GPU job lets memory
   * grow on demand, so jobs sharing the GPU do not each grab all of it.
   */
  public ConfigProto forDevice(Device device) {
    ConfigProto.Builder config = SessionConfigs.threads(intraOpThreads, interOpThreads).toBuilder();
    if (device.kind() == DeviceKind.CPU) {
      config.putDeviceCount("GPU", 0);
    } else {
      config.setGpuOptions(GPUOptions.newBuilder().setAllowGrowth(true));
    }
    return config.build();
  }
}
