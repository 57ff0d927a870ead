package io.dlf.trainer.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class TensorFlowDevicesTest {

  @Test
  void shortNamesDropTheJobAndTask() {
    assertEquals("/device:GPU:1", TensorFlowDevices.shortName("/job:localhost/replica:0/task:0/device:GPU:1"));
  }
}
