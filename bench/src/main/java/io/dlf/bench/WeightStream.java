package io.dlf.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * How long reading a model's dense weights once takes on this machine, by plain Java loops over an
 * array of the same size: the floor under a batch-1 call of a model too large for the caches,
 * which must stream every weight from memory, whatever computes with them. Measured on one core
 * (as TensorFlow runs a batch-1 call with one intra-op thread) and split across every core.
 */
final class WeightStream {
  /** Milliseconds per full read of {@code bytes}. */
  record Figures(long bytes, double oneCoreP50, double oneCoreP99, double allCoresP50, double allCoresP99,
      int cores) {
    Map<String, Object> json() {
      return Map.of("bytes", bytes, "one_core_p50_ms", oneCoreP50, "one_core_p99_ms", oneCoreP99,
          "all_cores_p50_ms", allCoresP50, "all_cores_p99_ms", allCoresP99, "cores", cores);
    }
  }

  /** Where each read's sum goes, so that the JIT cannot drop the reads. */
  private static volatile long sink;

  private WeightStream() {}

  static Figures measure(long bytes, int count) throws InterruptedException, ExecutionException {
    long[] weights = new long[Math.toIntExact(Math.max(1, bytes / Long.BYTES))];
    for (int i = 0; i < weights.length; i++) {
      weights[i] = i; // touched once, so every page is mapped before timing
    }
    int cores = Runtime.getRuntime().availableProcessors();
    ExecutorService helpers = Executors.newFixedThreadPool(Math.max(1, cores - 1), task -> {
      Thread thread = new Thread(task, "weight-stream");
      thread.setDaemon(true);
      return thread;
    });
    try {
      reads(weights, cores, helpers, count); // warm-up: compiled loops, started threads
      double[] oneCore = reads(weights, 1, helpers, count);
      double[] allCores = reads(weights, cores, helpers, count);
      return new Figures(bytes, Stats.percentile(oneCore, 50), Stats.percentile(oneCore, 99),
          Stats.percentile(allCores, 50), Stats.percentile(allCores, 99), cores);
    } finally {
      helpers.shutdownNow();
    }
  }

  /** Milliseconds of each of {@code count} reads of the whole array, in {@code parts} slices read at once. */
  private static double[] reads(long[] weights, int parts, ExecutorService helpers, int count)
      throws InterruptedException, ExecutionException {
    double[] millis = new double[count];
    int slice = weights.length / parts;
    for (int r = 0; r < count; r++) {
      long start = System.nanoTime();
      List<Future<Long>> others = new ArrayList<>();
      for (int p = 1; p < parts; p++) {
        int from = p * slice;
        int to = p == parts - 1 ? weights.length : from + slice;
        others.add(helpers.submit(() -> sum(weights, from, to)));
      }
      long total = sum(weights, 0, slice);
      for (Future<Long> other : others) {
        total += other.get();
      }
      millis[r] = (System.nanoTime() - start) / 1e6;
      sink = total;
    }
    return millis;
  }

  private static long sum(long[] values, int from, int to) {
    long total = 0;
    for (int i = from; i < to; i++) {
      total += values[i];
    }
    return total;
  }
}
