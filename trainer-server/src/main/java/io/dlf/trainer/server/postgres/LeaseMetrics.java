package io.dlf.trainer.server.postgres;

import com.google.inject.Inject;
import com.google.inject.Singleton;
import io.dlf.trainer.server.devices.DeviceKind;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * A worker host's part of the shared queue, for Prometheus: jobs leased and lease expiries. (The
 * time leased jobs waited goes into the scheduler's queue waits, dlf_trainer_queue_wait_seconds.)
 */
@Singleton
final class LeaseMetrics {
  private final Counter leased;
  private final Counter expiries;

  @Inject
  LeaseMetrics(PrometheusRegistry registry) {
    leased = Counter.builder()
        .name("dlf_trainer_jobs_leased")
        .help("Jobs this worker host leased from the shared queue, by device kind")
        .labelNames("device_kind")
        .register(registry);
    expiries = Counter.builder()
        .name("dlf_trainer_lease_expiries")
        .help("Leases of other (or earlier) worker hosts this host found expired and handed back to the queue")
        .register(registry);
    for (DeviceKind kind : DeviceKind.values()) {
      leased.labelValues(kind.name());
    }
  }

  void leased(DeviceKind kind) {
    leased.labelValues(kind.name()).inc();
  }

  void expired(int count) {
    if (count > 0) {
      expiries.inc(count);
    }
  }
}
