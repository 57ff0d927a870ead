package io.dlf.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/** Closed-loop load: each client thread repeats its call as soon as the previous one returns. */
final class ServingLoad {
  private ServingLoad() {}

  /** One call: scores some examples and returns how many. */
  interface Call {
    int run(int client, long iteration) throws Exception;
  }

  /** Examples per second over {@code measure} (after {@code warmup}) with {@code clients} threads; fails on any error. */
  static double samplesPerSecond(int clients, Duration warmup, Duration measure, Call call) throws InterruptedException {
    AtomicLong samples = new AtomicLong();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    AtomicBoolean stop = new AtomicBoolean();
    List<Thread> threads = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      int client = c;
      Thread thread = new Thread(() -> {
        long i = 0;
        while (!stop.get() && failure.get() == null) {
          try {
            samples.addAndGet(call.run(client, i++));
          } catch (Throwable t) {
            failure.compareAndSet(null, t);
          }
        }
      }, "bench-client-" + c);
      thread.setDaemon(true);
      threads.add(thread);
      thread.start();
    }
    Thread.sleep(warmup.toMillis());
    long before = samples.get();
    long start = System.nanoTime();
    Thread.sleep(measure.toMillis());
    long after = samples.get();
    long end = System.nanoTime();
    stop.set(true);
    for (Thread thread : threads) {
      thread.join();
    }
    if (failure.get() != null) {
      throw new IllegalStateException("a client failed: " + failure.get(), failure.get());
    }
    return (after - before) / ((end - start) / 1e9);
  }

  /**
   * Milliseconds of {@code count} sequential calls of each kind; the kinds take turns in chunks of
   * {@code chunk} calls, so that all see the same moments of a noisy machine.
   */
  static double[][] latenciesMillis(int count, int chunk, List<Call> calls) throws Exception {
    double[][] millis = new double[calls.size()][count];
    for (int from = 0; from < count; from += chunk) {
      for (int k = 0; k < calls.size(); k++) {
        for (int i = from; i < Math.min(count, from + chunk); i++) {
          long start = System.nanoTime();
          calls.get(k).run(0, i);
          millis[k][i] = (System.nanoTime() - start) / 1e6;
        }
      }
    }
    return millis;
  }
}
