package io.dlf.trainer.server.metrics;

import com.google.inject.Inject;
import com.google.inject.Singleton;
import io.dlf.trainer.server.jobs.JobRegistry;
import io.dlf.trainer.server.scheduling.JobScheduler;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * The trainer's Prometheus metrics, read from the job registry and the scheduler when scraped:
 * jobs by state, queue length, training throughput and device slots.
 */
@Singleton
public final class TrainerMetrics {

  @Inject
  TrainerMetrics(PrometheusRegistry registry, JobRegistry jobs, JobScheduler scheduler) {
    GaugeWithCallback.builder()
        .name("dlf_trainer_jobs")
        .help("Jobs known to the trainer, by state")
        .labelNames("state")
        .callback(cb -> jobs.countByState().forEach((state, n) -> cb.call(n, state.name())))
        .register(registry);
    GaugeWithCallback.builder()
        .name("dlf_trainer_queue_length")
        .help("Jobs waiting for a device slot")
        .callback(cb -> cb.call(scheduler.queueLength()))
        .register(registry);
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
}
