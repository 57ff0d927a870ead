package io.dlf.trainer.server.devices;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dlf.proto.train.v1.DeviceInfo;
import io.dlf.proto.train.v1.DeviceList;
import io.dlf.trainer.server.workers.WorkerLauncher;
import io.dlf.trainer.server.workers.WorkerSettings;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Starts a worker process to list devices. */
@Tag("e2e")
class DeviceInventoryTest {
  private static final Device CPU = new Device("/device:CPU:0", DeviceKind.CPU, 0);
  private static final Device GPU = new Device("/device:GPU:0", DeviceKind.GPU, 1L << 34);

  @Test
  void aWorkerListsTensorFlowsDevicesAndTheTrainerAsksOnlyForGpus(@TempDir Path logs) throws Exception {
    WorkerLauncher launcher = new WorkerLauncher(WorkerSettings.defaults());
    DeviceList listed = launcher.listDevices(logs.resolve("probe.log"));
    assertTrue(listed.getDevicesList().stream().anyMatch(d -> d.getName().equals("/device:CPU:0") && !d.getGpu()),
        listed.toString());
    listed.getDevicesList().stream().filter(DeviceInfo::getGpu)
        .forEach(gpu -> assertTrue(gpu.getName().startsWith("/device:GPU:"), gpu.toString()));
    DeviceInventory all = DeviceInventory.discover(true, launcher, logs);
    assertEquals("/device:CPU:0", all.cpu().name());
    assertEquals(List.of(), DeviceInventory.discover(false, launcher, logs).gpus());
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
}
