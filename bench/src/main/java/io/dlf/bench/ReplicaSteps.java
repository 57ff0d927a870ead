package io.dlf.bench;

import io.dlf.trainer.encode.BatchStream;
import io.dlf.trainer.encode.LabeledBatch;
import io.dlf.trainer.encode.PreparedData;
import io.dlf.trainer.training.Replica;
import io.dlf.trainer.training.Trainer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fixed number of training steps on one or more replicas, asynchronous as the trainer trains a
 * cluster: each replica takes the next batch of one stream as soon as its previous step is done
 * ({@link Trainer#step}, the trainer's own step). Every replica first takes {@code warmup} untimed
 * steps; then the wall time of {@code steps} steps in all and the loopback bytes they moved are measured.
 */
record ReplicaSteps(int warmup, int steps, int batch) {

  /** Samples per second of the replicas together, wall seconds per step, and bytes per step. */
  record Timed(double samplesPerSecond, double secondsPerStep, LoopbackTraffic.Bytes bytesPerStep) {}

  Timed run(List<Replica> replicas, PreparedData data, int round, LoopbackTraffic traffic) throws Exception {
    try (BatchStream batches = data.train().epoch(2019L, round, batch, 0)) {
      for (Replica replica : replicas) {
        for (int i = 0; i < warmup; i++) {
          Trainer.step(replica, data, next(batches), 1e-3);
        }
      }
      AtomicInteger left = new AtomicInteger(steps);
      AtomicInteger samples = new AtomicInteger();
      ExecutorService threads = Executors.newFixedThreadPool(replicas.size());
      try {
        LoopbackTraffic.Snapshot before = traffic.snapshot();
        long start = System.nanoTime();
        List<Future<?>> running = new ArrayList<>();
        for (Replica replica : replicas) {
          running.add(threads.submit(() -> {
            while (left.getAndDecrement() > 0) {
              LabeledBatch b = next(batches);
              Trainer.step(replica, data, b, 1e-3);
              samples.addAndGet(b.labels().length);
            }
            return null;
          }));
        }
        for (Future<?> f : running) {
          f.get();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        LoopbackTraffic.Bytes bytes = traffic.snapshot().since(before);
        return new Timed(samples.get() / seconds, seconds / steps, bytes.per(steps));
      } finally {
        threads.shutdownNow();
      }
    }
  }

  private static LabeledBatch next(BatchStream batches) {
    synchronized (batches) {
      LabeledBatch b = batches.next();
      if (b == null) {
        throw new IllegalStateException("the training split ran out of batches: give the benchmark more rows");
      }
      return b;
    }
  }
}
