package io.dlf.trainer.server.scheduling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dlf.trainer.server.TrainerServerConfig;
import io.dlf.trainer.server.devices.Device;
import io.dlf.trainer.server.devices.DeviceInventory;
import io.dlf.trainer.server.devices.DeviceKind;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Slots per device, the queue in front of them and draining, with tasks that wait for the test. */
class JobSchedulerTest {
  private static final Device CPU = new Device("/device:CPU:0", DeviceKind.CPU, 0);
  private static final Device GPU = new Device("/device:GPU:0", DeviceKind.GPU, 1L << 34);

  private final BlockingQueue<String> started = new LinkedBlockingQueue<>();
  private final CountDownLatch release = new CountDownLatch(1);

  private JobScheduler scheduler(int queue) {
    TrainerServerConfig config = TrainerServerConfig.defaults(Path.of("unused"), List.of(Path.of("unused")))
        .withSlots(1, 1).withQueueCapacity(queue);
    return new JobScheduler(new DeviceInventory(CPU, List.of(GPU)), config);
  }

  private JobScheduler.Task task(String name) {
    return device -> {
      started.add(name + "@" + device.name());
      try {
        release.await();
      } catch (InterruptedException e) {
        started.add(name + " interrupted");
      }
    };
  }

  private String nextStart() throws InterruptedException {
    return started.poll(10, TimeUnit.SECONDS);
  }

  @Test
  void aJobWaitingForTheGpuDoesNotHoldUpOneForTheCpu() throws Exception {
    JobScheduler scheduler = scheduler(2);
    scheduler.enqueue("g1", DeviceKind.GPU, task("g1"));
    assertEquals("g1@/device:GPU:0", nextStart());
    scheduler.enqueue("g2", DeviceKind.GPU, task("g2"));
    scheduler.enqueue("c1", DeviceKind.CPU, task("c1"));
    assertEquals("c1@/device:CPU:0", nextStart());
    assertEquals(1, scheduler.queueLength());
    assertEquals(Map.of(CPU, 1, GPU, 1), scheduler.busySlots());

    release.countDown();
    assertEquals("g2@/device:GPU:0", nextStart());
    assertTrue(scheduler.drain(Duration.ofSeconds(10)));
  }

  @Test
  void theQueueIsBoundedAndAWaitingJobCanBeTakenOut() throws Exception {
    JobScheduler scheduler = scheduler(1);
    scheduler.enqueue("c1", DeviceKind.CPU, task("c1"));
    nextStart();
    assertTrue(scheduler.canAccept(DeviceKind.CPU), "one may wait");
    scheduler.enqueue("c2", DeviceKind.CPU, task("c2"));
    assertFalse(scheduler.canAccept(DeviceKind.CPU), "the queue is full");
    assertTrue(scheduler.canAccept(DeviceKind.GPU), "the GPU has a free slot, so a GPU job starts at once");

    assertTrue(scheduler.removeWaiting("c2"));
    assertFalse(scheduler.removeWaiting("c1"), "a started job is not waiting");
    assertTrue(scheduler.canAccept(DeviceKind.CPU));
    release.countDown();
    assertTrue(scheduler.drain(Duration.ofSeconds(10)));
    assertEquals(null, started.poll(200, TimeUnit.MILLISECONDS), "c2 never started");
  }

  @Test
  void drainingStartsNothingMoreAndInterruptsWhatOutstaysTheTimeout() throws Exception {
    JobScheduler scheduler = scheduler(4);
    scheduler.enqueue("c1", DeviceKind.CPU, task("c1"));
    nextStart();
    scheduler.enqueue("c2", DeviceKind.CPU, task("c2"));
    assertFalse(scheduler.drain(Duration.ofMillis(200)));
    assertTrue(scheduler.draining());
    assertEquals("c1 interrupted", nextStart());
    assertEquals(null, started.poll(200, TimeUnit.MILLISECONDS), "c2 never started");
  }
}
