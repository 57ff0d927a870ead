package io.dlf.serving.metrics;

import com.google.inject.Inject;
import com.google.inject.Singleton;
import io.dlf.serving.predict.BatchObserver;
import io.dlf.serving.version.VersionListener;
import io.dlf.serving.version.VersionState;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.datapoints.GaugeDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The serving server's Prometheus metrics, named after TensorFlow Serving's and Triton's:
 * requests by model, version, API and status code; request latency; time in the queue and queue
 * length; examples per TensorFlow call; versions per state; model readiness; load times.
 */
@Singleton
public final class ServingMetrics implements VersionListener, BatchObserver.Factory {
  private static final double[] SECONDS = {
      0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

  private final Counter requests;
  private final Counter examples;
  private final Histogram latency;
  private final Histogram queueTime;
  private final Histogram batchSize;
  private final Gauge queueLength;
  private final Gauge versions;
  private final Gauge ready;
  private final Histogram loadTime;
  private final Map<String, VersionState> states = new ConcurrentHashMap<>();

  @Inject
  public ServingMetrics(PrometheusRegistry registry) {
    requests = Counter.builder().name("dlf_serving_requests_total")
        .help("Prediction requests answered, by model, version (empty when none was reached), API and gRPC status code")
        .labelNames("model", "version", "api", "code").register(registry);
    examples = Counter.builder().name("dlf_serving_examples_total")
        .help("Examples scored, by model and version").labelNames("model", "version").register(registry);
    latency = Histogram.builder().name("dlf_serving_request_seconds")
        .help("Time from receiving a prediction request to answering it, by model and API")
        .labelNames("model", "api").classicOnly().classicUpperBounds(SECONDS).register(registry);
    queueTime = Histogram.builder().name("dlf_serving_queue_seconds")
        .help("Time a request waited in its version's queue before its batch started, by model and version")
        .labelNames("model", "version").classicOnly().classicUpperBounds(SECONDS).register(registry);
    batchSize = Histogram.builder().name("dlf_serving_batch_size")
        .help("Examples per TensorFlow call, by model and version")
        .labelNames("model", "version").classicOnly()
        .classicUpperBounds(1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096).register(registry);
    queueLength = Gauge.builder().name("dlf_serving_queued_requests")
        .help("Requests waiting in a version's queue, by model and version")
        .labelNames("model", "version").register(registry);
    versions = Gauge.builder().name("dlf_serving_versions")
        .help("Versions of each model in each state (LOADING, AVAILABLE, UNLOADING, FAILED)")
        .labelNames("model", "state").register(registry);
    ready = Gauge.builder().name("dlf_serving_model_ready")
        .help("1 while a model has an AVAILABLE version, else 0").labelNames("model").register(registry);
    loadTime = Histogram.builder().name("dlf_serving_load_seconds")
        .help("Time to load and warm up a version, by model and outcome (loaded or failed)")
        .labelNames("model", "outcome").classicOnly()
        .classicUpperBounds(0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 60, 120, 300).register(registry);
  }

  /** One prediction request finished: {@code version} is empty when it failed before reaching one. */
  public void requestFinished(String model, String version, String api, String code, long nanos, int scored) {
    requests.labelValues(model, version, api, code).inc();
    latency.labelValues(model, api).observe(nanos / 1e9);
    if (scored > 0) {
      examples.labelValues(model, version).inc(scored);
    }
  }

  @Override
  public BatchObserver forVersion(String model, long version) {
    String v = Long.toString(version);
    DistributionDataPoint queued = queueTime.labelValues(model, v);
    DistributionDataPoint sizes = batchSize.labelValues(model, v);
    GaugeDataPoint length = queueLength.labelValues(model, v);
    return new BatchObserver() {
      @Override
      public void queued(long nanos) {
        queued.observe(nanos / 1e9);
      }

      @Override
      public void executed(int count) {
        sizes.observe(count);
      }

      @Override
      public void queueLength(int requests) {
        length.set(requests);
      }
    };
  }

  @Override
  public void stateChanged(String model, long version, Optional<VersionState> state) {
    String key = model + "/" + version;
    VersionState before = state.isPresent() ? states.put(key, state.get()) : states.remove(key);
    if (before != null) {
      versions.labelValues(model, before.name()).dec();
    }
    state.ifPresent(s -> versions.labelValues(model, s.name()).inc());
  }

  @Override
  public void readinessChanged(String model, boolean isReady) {
    ready.labelValues(model).set(isReady ? 1 : 0);
  }

  @Override
  public void loadFinished(String model, long version, Duration took, boolean succeeded) {
    loadTime.labelValues(model, succeeded ? "loaded" : "failed").observe(took.toNanos() / 1e9);
  }
}
