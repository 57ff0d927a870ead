package io.dlf.trainer.server.devices;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DeviceInventoryTest {
  private static final Device CPU = new Device("/device:CPU:0", DeviceKind.CPU, 0);
  private static final Device GPU = new Device("/device:GPU:0", DeviceKind.GPU, 1L << 34);

  @Test
  void tensorFlowListsTheCpuAndGpusOnlyWhenAskedFor() {
    DeviceInventory all = DeviceInventory.discover(true);
    assertEquals("/device:CPU:0", all.cpu().name());
    all.gpus().forEach(gpu -> assertTrue(gpu.name().startsWith("/device:GPU:"), gpu.toString()));
    assertEquals(List.of(), DeviceInventory.discover(false).gpus());
  }

  @Test
  void placementFollowsTheRequestAndTheDevicesFound() {
    DeviceInventory withGpu = new DeviceInventory(CPU, List.of(GPU));
    DeviceInventory cpuOnly = new DeviceInventory(CPU, List.of());
    assertEquals(Optional.of(DeviceKind.GPU), withGpu.place(DeviceRequest.PREFER_GPU));
    assertEquals(Optional.of(DeviceKind.GPU), withGpu.place(DeviceRequest.REQUIRE_GPU));
    assertEquals(Optional.of(DeviceKind.CPU), withGpu.place(DeviceRequest.CPU));
    assertEquals(Optional.of(DeviceKind.CPU), cpuOnly.place(DeviceRequest.PREFER_GPU));
    assertEquals(Optional.empty(), cpuOnly.place(DeviceRequest.REQUIRE_GPU));
    assertEquals("/device:CPU:0, /device:GPU:0 (16.0 GiB)", withGpu.describe());
    assertEquals(List.of(CPU, GPU), withGpu.schedulable());
    assertEquals("gpu0", GPU.label());
  }

  @Test
  void shortNamesDropTheJobAndTask() {
    assertEquals("/device:GPU:1", TensorFlowDevices.shortName("/job:localhost/replica:0/task:0/device:GPU:1"));
  }
}
