package io.dlf.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Throughput on paper of asynchronous parameter-server training with one worker per machine:
 * a worker's step takes {@code max(compute, bytes / bandwidth)} (transfers overlap nothing else of
 * the step in the worst case, compute hides them in the best; the max is the optimistic bound), and
 * the parameter servers, each with a link of the same bandwidth, serve at most
 * {@code servers x bandwidth / bytes} steps per second together.
 *
 * @param batch samples per step
 * @param computeSeconds one worker's step time with its transfers on loopback (an upper bound on its compute)
 * @param bytesPerStep bytes a step moves between its worker and the parameter servers
 * @param parameterServers how many share the traffic
 */
record ThroughputModel(int batch, double computeSeconds, double bytesPerStep, int parameterServers) {

  /** Samples per second of {@code workers} workers on links of {@code gbitPerSecond}. */
  double samplesPerSecond(int workers, double gbitPerSecond) {
    double bytesPerSecond = gbitPerSecond * 1e9 / 8;
    double stepSeconds = Math.max(computeSeconds, bytesPerStep / bytesPerSecond);
    double workerSteps = workers / stepSeconds;
    double serverSteps = parameterServers * bytesPerSecond / bytesPerStep;
    return batch * Math.min(workerSteps, serverSteps);
  }

  /** The table: per bandwidth ("10 Gbit/s"), samples/s by worker count. */
  Map<String, Map<String, Double>> table(List<Integer> workers, List<Double> gbits) {
    Map<String, Map<String, Double>> out = new LinkedHashMap<>();
    for (double g : gbits) {
      Map<String, Double> row = new LinkedHashMap<>();
      for (int w : workers) {
        row.put(Integer.toString(w), samplesPerSecond(w, g));
      }
      out.put(String.format(java.util.Locale.ROOT, "%.0f Gbit/s", g), row);
    }
    return out;
  }
}
