package io.dlf.trainer.worker;

import io.dlf.dsl.compile.SessionConfigs;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.GPUOptions;

/** TensorFlow session settings that keep a job on its device. */
final class DeviceSessionConfigs {
  private DeviceSessionConfigs() {}

  /**
   * A CPU job sees no GPU at all (so TensorFlow cannot place ops there); a GPU job lets memory
   * grow on demand, so jobs sharing the GPU do not each grab all of it.
   */
  static ConfigProto forDevice(boolean gpu, int intraOpThreads, int interOpThreads) {
    ConfigProto.Builder config = SessionConfigs.threads(intraOpThreads, interOpThreads).toBuilder();
    if (gpu) {
      config.setGpuOptions(GPUOptions.newBuilder().setAllowGrowth(true));
    } else {
      config.putDeviceCount("GPU", 0);
    }
    return config.build();
  }
}
