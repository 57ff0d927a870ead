package io.dlf.bench;

import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * What handing a task to a parked thread and getting its answer back costs on this machine, back
 * to back and after the caller worked alone for a while. The second is what each thread hand-off
 * of a served call pays while the model computes in between: on a virtual machine whose idle core
 * halts, waking it goes through the hypervisor. A served gRPC call makes several such hand-offs
 * (client to transport, transport to handler and back, transport to client).
 */
final class ThreadHandoff {
  /** Micros per round trip: back to back, and after {@code idleMicros} of the caller's own work. */
  record Figures(double backToBackP50, double backToBackP99, double afterIdleP50, double afterIdleP99, int idleMicros) {
    Map<String, Object> json() {
      return Map.of("back_to_back_p50_us", backToBackP50, "back_to_back_p99_us", backToBackP99,
          "after_idle_p50_us", afterIdleP50, "after_idle_p99_us", afterIdleP99, "idle_us", idleMicros);
    }
  }

  private ThreadHandoff() {}

  static Figures measure(int count, int idleMicros) throws InterruptedException, ExecutionException {
    ExecutorService other = Executors.newSingleThreadExecutor(task -> {
      Thread thread = new Thread(task, "handoff-probe");
      thread.setDaemon(true);
      return thread;
    });
    try {
      roundTrips(other, count, 0); // warm-up: compiled code, a started thread
      double[] backToBack = roundTrips(other, count, 0);
      double[] afterIdle = roundTrips(other, count, idleMicros);
      return new Figures(Stats.percentile(backToBack, 50), Stats.percentile(backToBack, 99),
          Stats.percentile(afterIdle, 50), Stats.percentile(afterIdle, 99), idleMicros);
    } finally {
      other.shutdownNow();
    }
  }

  private static double[] roundTrips(ExecutorService other, int count, int idleMicros)
      throws InterruptedException, ExecutionException {
    double[] micros = new double[count];
    for (int i = 0; i < count; i++) {
      spin(idleMicros);
      long start = System.nanoTime();
      other.submit(() -> { }).get();
      micros[i] = (System.nanoTime() - start) / 1e3;
    }
    return micros;
  }

  /** Busy work, as a model computing on the caller's core: the other core has nothing to do meanwhile. */
  private static void spin(int micros) {
    long until = System.nanoTime() + micros * 1_000L;
    while (System.nanoTime() < until) {
      Thread.onSpinWait();
    }
  }
}
