package io.dlf.trainer.server.metrics;

import com.google.inject.Inject;
import com.google.inject.Singleton;
import io.dlf.trainer.server.jobs.JobCounts;
import io.dlf.trainer.server.jobs.JobRegistry;
import io.dlf.trainer.server.scheduling.JobScheduler;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Optional;

/**
 * The trainer's Prometheus metrics, read when scraped: jobs by state and queue length (where the API
 * is served: this trainer's, or all of a shared database's), training throughput and device slots
 * (where jobs run).
 */
@Singleton
public final class TrainerMetrics {

  @Inject
  TrainerMetrics(PrometheusRegistry registry, Optional<JobCounts> counts, JobRegistry jobs, JobScheduler scheduler) {
    counts.ifPresent(c -> register(registry, c));
    GaugeWithCallback.builder()
        .name("dlf_trainer_steps_per_second")
        .help("Training steps per second of all jobs training now (latest reporting window of each)")
        .callback(cb -> cb.call(jobs.stepsPerSecond()))
        .register(registry);
    GaugeWithCallback.builder()
        .name("dlf_trainer_samples_per_second")
        .help("Training samples per second of all jobs training now (latest reporting window of each)")
        .callback(cb -> cb.call(jobs.samplesPerSecond()))
        .register(registry);
    CounterWithCallback.builder()
        .name("dlf_trainer_steps_total")
        .help("Training steps run since the trainer started")
        .callback(cb -> cb.call(jobs.trainedSteps()))
        .register(registry);
    CounterWithCallback.builder()
        .name("dlf_trainer_samples_total")
        .help("Training samples processed since the trainer started")
        .callback(cb -> cb.call(jobs.trainedSamples()))
        .register(registry);
    GaugeWithCallback.builder()
        .name("dlf_trainer_device_slots")
        .help("Jobs a device may train at once")
        .labelNames("device")
        .callback(cb -> scheduler.slots().forEach((device, n) -> cb.call(n, device.name())))
        .register(registry);
    GaugeWithCallback.builder()
        .name("dlf_trainer_device_busy_slots")
        .help("Jobs training on a device now")
        .labelNames("device")
        .callback(cb -> scheduler.busySlots().forEach((device, n) -> cb.call(n, device.name())))
        .register(registry);
  }

  private static void register(PrometheusRegistry registry, JobCounts counts) {
    GaugeWithCallback.builder()
        .name("dlf_trainer_jobs")
        .help("Jobs known to the trainer (all trainers', with a shared database), by state")
        .labelNames("state")
        .callback(cb -> counts.countByState().forEach((state, n) -> cb.call(n, state.name())))
        .register(registry);
    GaugeWithCallback.builder()
        .name("dlf_trainer_queue_length")
        .help("Jobs waiting for a device slot")
        .callback(cb -> {
          long waiting = counts.queueLength();
          if (waiting >= 0) {
            cb.call(waiting);
          }
        })
        .register(registry);
  }
}
