package io.dlf.trainer.worker;

import static org.tensorflow.internal.c_api.global.tensorflow.TF_CloseSession;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_DeleteDeviceList;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_DeleteSession;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_DeviceListCount;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_DeviceListMemoryBytes;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_DeviceListName;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_DeviceListType;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_NewSession;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_SessionListDevices;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_SetConfig;

import io.dlf.proto.train.v1.DeviceInfo;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.BytePointer;
import org.tensorflow.TensorFlow;
import org.tensorflow.internal.c_api.TF_DeviceList;
import org.tensorflow.internal.c_api.TF_Graph;
import org.tensorflow.internal.c_api.TF_Session;
import org.tensorflow.internal.c_api.TF_SessionOptions;
import org.tensorflow.internal.c_api.TF_Status;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.GPUOptions;

/**
 * TensorFlow's own device list, read from a throwaway session: the public Java API has no call
 * for it, so this goes through the C API that TensorFlow Java wraps.
 */
final class TensorFlowDevices {
  private TensorFlowDevices() {}

  /**
   * Every CPU device, and every GPU device when {@code gpus} is true (false leaves CUDA untouched).
   * The first session that sees a GPU fixes its allocator for the whole process, so this one asks
   * for memory to grow on demand: jobs then share the GPU.
   */
  static List<DeviceInfo> list(boolean gpus) {
    TensorFlow.version(); // loads the native library
    ConfigProto.Builder settings = ConfigProto.newBuilder();
    if (gpus) {
      settings.setGpuOptions(GPUOptions.newBuilder().setAllowGrowth(true));
    } else {
      settings.putDeviceCount("GPU", 0);
    }
    byte[] config = settings.build().toByteArray();
    List<DeviceInfo> devices = new ArrayList<>();
    try (TF_Status status = TF_Status.newStatus();
        TF_Graph graph = TF_Graph.newGraph();
        TF_SessionOptions options = TF_SessionOptions.newSessionOptions();
        BytePointer configBytes = new BytePointer(config)) {
      TF_SetConfig(options, configBytes, config.length, status);
      status.throwExceptionIfNotOK();
      TF_Session session = TF_NewSession(graph, options, status);
      status.throwExceptionIfNotOK();
      try {
        TF_DeviceList list = TF_SessionListDevices(session, status);
        status.throwExceptionIfNotOK();
        try {
          for (int i = 0; i < TF_DeviceListCount(list); i++) {
            String type = TF_DeviceListType(list, i, status).getString();
            String name = TF_DeviceListName(list, i, status).getString();
            long memory = TF_DeviceListMemoryBytes(list, i, status);
            status.throwExceptionIfNotOK();
            if (type.equals("CPU") || type.equals("GPU")) {
              devices.add(DeviceInfo.newBuilder().setName(shortName(name)).setGpu(type.equals("GPU"))
                  .setMemoryBytes(memory).build());
            }
          }
        } finally {
          TF_DeleteDeviceList(list);
        }
      } finally {
        TF_CloseSession(session, status);
        TF_DeleteSession(session, status);
      }
    }
    return devices;
  }

  /** {@code /job:localhost/replica:0/task:0/device:GPU:0} becomes {@code /device:GPU:0}. */
  static String shortName(String fullName) {
    int at = fullName.indexOf("/device:");
    return at >= 0 ? fullName.substring(at) : fullName;
  }
}
