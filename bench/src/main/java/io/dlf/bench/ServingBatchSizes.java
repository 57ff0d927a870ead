package io.dlf.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/**
 * The batches a serving server formed, read from its Prometheus endpoint
 * ({@code dlf_serving_batch_size} sum and count of one model), to tell how much batching merged.
 */
final class ServingBatchSizes {
  /** Examples and TensorFlow calls so far. */
  record Snapshot(double examples, double calls) {
    /** Mean examples per call between {@code before} and this snapshot. */
    double meanSince(Snapshot before) {
      double calls = this.calls - before.calls;
      return calls == 0 ? 0 : (examples - before.examples) / calls;
    }
  }

  private final HttpClient http = HttpClient.newHttpClient();
  private final URI uri;
  private final String labels;

  ServingBatchSizes(int metricsPort, String model) {
    this.uri = URI.create("http://127.0.0.1:" + metricsPort + "/metrics");
    this.labels = "{model=\"" + model + "\",version=\"1\"} ";
  }

  Snapshot snapshot() throws IOException, InterruptedException {
    String text = http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString()).body();
    return new Snapshot(value(text, "dlf_serving_batch_size_sum"), value(text, "dlf_serving_batch_size_count"));
  }

  private double value(String text, String metric) {
    String prefix = metric + labels;
    return text.lines().filter(l -> l.startsWith(prefix)).findFirst()
        .map(l -> Double.parseDouble(l.substring(prefix.length()).trim().split(" ")[0])).orElse(0.0);
  }
}
