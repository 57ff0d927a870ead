package io.dlf.bench;

import java.util.Arrays;

/** Order statistics and moments of measurements. */
public final class Stats {
  private Stats() {}

  public static double median(double[] values) {
    return percentile(values, 50);
  }

  /** The nearest-rank percentile. */
  public static double percentile(double[] values, double p) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }

  public static double mean(double[] values) {
    return Arrays.stream(values).average().orElse(Double.NaN);
  }

  /** Sample standard deviation (n - 1). */
  public static double std(double[] values) {
    if (values.length < 2) {
      return 0;
    }
    double mean = mean(values);
    double sum = 0;
    for (double v : values) {
      sum += (v - mean) * (v - mean);
    }
    return Math.sqrt(sum / (values.length - 1));
  }
}
