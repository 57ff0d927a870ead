package io.dlf.trainer.server.scheduling;

import com.google.inject.Inject;
import com.google.inject.Singleton;
import io.dlf.server.NamedThreads;
import io.dlf.trainer.server.TrainerServerConfig;
import io.dlf.trainer.server.devices.Device;
import io.dlf.trainer.server.devices.DeviceInventory;
import io.dlf.trainer.server.devices.DeviceKind;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs jobs on devices: a fixed number of slots per device, each slot a thread of that device's
 * pool, and one FIFO queue in front. A waiting job starts as soon as a device of its kind has as
 * many free slots as it takes (one, or one per task of a job on a cluster, all on one device); a job
 * waiting for a GPU never holds up one waiting for the CPU, and a smaller job may pass a cluster
 * job that waits for its slots.
 */
@Singleton
public final class JobScheduler {
  private static final Logger LOG = Logger.getLogger(JobScheduler.class.getName());

  /** The work of one job once it has a device. */
  @FunctionalInterface
  public interface Task {
    void run(Device device);
  }

  private record Waiting(String jobId, DeviceKind kind, int slots, Task task, long enqueuedNanos) {}

  /** A device's slots that no job holds ({@code free}) out of all it has ({@code capacity}). */
  public record FreeSlots(Device device, int free, int capacity) {}

  /** Jobs that left the queue for a device of one kind, and the seconds they waited in all. */
  public record QueueWait(long jobs, double seconds) {}

  private final Object lock = new Object();
  private final ArrayDeque<Waiting> queue = new ArrayDeque<>();
  private final Map<Device, Integer> capacity = new LinkedHashMap<>();
  private final Map<Device, Integer> busy = new LinkedHashMap<>();
  private final Map<Device, ExecutorService> executors = new LinkedHashMap<>();
  private final Map<DeviceKind, QueueWait> waits = new EnumMap<>(DeviceKind.class);
  private final int queueCapacity;
  private volatile boolean draining;

  @Inject
  public JobScheduler(DeviceInventory devices, TrainerServerConfig config) {
    this.queueCapacity = config.queueCapacity();
    for (Device device : devices.schedulable()) {
      int slots = device.kind() == DeviceKind.CPU ? config.cpuSlots() : config.gpuSlots();
      capacity.put(device, slots);
      busy.put(device, 0);
      // Slots are counted before a task is handed over, so the pool's queue never holds more than its threads.
      executors.put(device, new ThreadPoolExecutor(slots, slots, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(slots),
          NamedThreads.daemon("train-" + device.label())));
    }
  }

  /** Whether a new job for {@code kind} would start at once or find room in the queue. */
  public boolean canAccept(DeviceKind kind) {
    synchronized (lock) {
      return freeDevice(kind, 1).isPresent() || queue.size() < queueCapacity;
    }
  }

  /** Queues a job; it starts when a device of its kind has a slot. Never refuses: check {@link #canAccept} first. */
  public void enqueue(String jobId, DeviceKind kind, Task task) {
    enqueue(jobId, kind, 1, task);
  }

  /**
   * Queues a job that takes {@code slots} slots of one device (a cluster's tasks); it starts when a
   * device of its kind has that many free. Never refuses: check {@link #canAccept} first.
   */
  public void enqueue(String jobId, DeviceKind kind, int slots, Task task) {
    synchronized (lock) {
      if (!capacity.keySet().stream().anyMatch(d -> d.kind() == kind)) {
        throw new IllegalArgumentException("this trainer has no " + kind + " device");
      }
      queue.add(new Waiting(jobId, kind, slots, task, System.nanoTime()));
      dispatch();
    }
  }

  /** The device of {@code kind} with a free slot now (the least busy), how many are free and how many it has. */
  public Optional<FreeSlots> freeSlots(DeviceKind kind) {
    synchronized (lock) {
      return draining ? Optional.empty() : freeDevice(kind, 1)
          .map(device -> new FreeSlots(device, capacity.get(device) - busy.get(device), capacity.get(device)));
    }
  }

  /**
   * Starts a job taking {@code slots} slots of {@code device} at once, bypassing the queue: for a
   * worker host, whose queue is the shared database. The device must have them free ({@link
   * #freeSlots}). {@code waited} is the time the job waited in that queue; it counts in {@link
   * #queueWaits} like a wait here.
   */
  public void startNow(String jobId, Device device, int slots, Duration waited, Task task) {
    synchronized (lock) {
      if (busy.get(device) + slots > capacity.get(device)) {
        throw new IllegalStateException(device.name() + " has fewer than " + slots + " free slots for job " + jobId
            + " (" + busy.get(device) + " of " + capacity.get(device) + " busy)");
      }
      start(new Waiting(jobId, device.kind(), slots, task, System.nanoTime() - Math.max(0, waited.toNanos())), device);
    }
  }

  /** Waits until a slot frees or {@code timeout} passes. */
  public void awaitRelease(Duration timeout) throws InterruptedException {
    synchronized (lock) {
      lock.wait(Math.max(1, timeout.toMillis()));
    }
  }

  /** Wakes {@link #awaitRelease} waiters, e.g. to stop them. */
  public void wakeWaiters() {
    synchronized (lock) {
      lock.notifyAll();
    }
  }

  /** Takes a waiting job out of the queue; false if it is not waiting (already started, or unknown). */
  public boolean removeWaiting(String jobId) {
    synchronized (lock) {
      return queue.removeIf(w -> w.jobId().equals(jobId));
    }
  }

  public int queueLength() {
    synchronized (lock) {
      return queue.size();
    }
  }

  /** Busy slots per device. */
  public Map<Device, Integer> busySlots() {
    synchronized (lock) {
      return Map.copyOf(busy);
    }
  }

  /**
   * How long the jobs started here waited for each kind of device, since the trainer started: in
   * this queue, or for a worker host in the shared one.
   */
  public Map<DeviceKind, QueueWait> queueWaits() {
    synchronized (lock) {
      return Map.copyOf(waits);
    }
  }

  public Map<Device, Integer> slots() {
    return Map.copyOf(capacity);
  }

  /** True once a drain began: running jobs should checkpoint and return. */
  public boolean draining() {
    return draining;
  }

  /**
   * Starts no more jobs and waits up to {@code timeout} for the running ones to return; returns
   * whether they all did. Jobs still running after that are interrupted.
   */
  public boolean drain(Duration timeout) {
    synchronized (lock) {
      draining = true;
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    boolean all = true;
    for (ExecutorService executor : executors.values()) {
      executor.shutdown();
      try {
        all &= executor.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        all = false;
      }
    }
    if (!all) {
      executors.values().forEach(ExecutorService::shutdownNow);
    }
    return all;
  }

  private void dispatch() {
    if (draining) {
      return;
    }
    for (Iterator<Waiting> it = queue.iterator(); it.hasNext(); ) {
      Waiting waiting = it.next();
      Optional<Device> device = freeDevice(waiting.kind(), waiting.slots());
      if (device.isPresent()) {
        it.remove();
        start(waiting, device.get());
      }
    }
  }

  private void start(Waiting waiting, Device device) {
    busy.merge(device, waiting.slots(), Integer::sum);
    double waited = (System.nanoTime() - waiting.enqueuedNanos()) / 1e9;
    waits.merge(waiting.kind(), new QueueWait(1, waited), (a, b) -> new QueueWait(a.jobs() + 1, a.seconds() + waited));
    executors.get(device).execute(() -> {
      try {
        waiting.task().run(device);
      } catch (RuntimeException e) {
        LOG.log(Level.SEVERE, "job " + waiting.jobId() + " ended with an unexpected error", e);
      } finally {
        release(device, waiting.slots());
      }
    });
  }

  private void release(Device device, int slots) {
    synchronized (lock) {
      busy.merge(device, -slots, Integer::sum);
      dispatch();
      lock.notifyAll();
    }
  }

  /** The least busy device of that kind with {@code slots} free slots. */
  private Optional<Device> freeDevice(DeviceKind kind, int slots) {
    Device best = null;
    for (Map.Entry<Device, Integer> entry : capacity.entrySet()) {
      Device device = entry.getKey();
      int used = busy.get(device);
      if (device.kind() == kind && used + slots <= entry.getValue() && (best == null || used < busy.get(best))) {
        best = device;
      }
    }
    return Optional.ofNullable(best);
  }
}
