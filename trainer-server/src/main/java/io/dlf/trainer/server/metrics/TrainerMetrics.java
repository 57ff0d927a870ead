package io.dlf.trainer.server.metrics;

import com.google.inject.Inject;
import com.google.inject.Singleton;
import io.dlf.trainer.server.jobs.JobCounts;
import io.dlf.trainer.server.jobs.JobRegistry;
import io.dlf.trainer.server.scheduling.JobScheduler;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.SummaryWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Quantiles;
import java.util.Locale;
import java.util.Optional;

/**
 * The trainer's Prometheus metrics, read when scraped: jobs by state and queue length (where the API
 * is served: this trainer's, or all of a shared database's), and where jobs run: training
 * throughput, device slots, the time jobs waited for a slot (in this trainer's queue or the shared
 * one), and worker processes.
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
    GaugeWithCallback.builder()
        .name("dlf_trainer_task_samples_per_second")
        .help("Training samples per second of each worker task of each job training now (latest reporting "
            + "window; task 0 only for a job in one process)")
        .labelNames("job", "task")
        .callback(cb -> jobs.taskSamplesPerSecond().forEach((job, tasks) -> {
          for (int t = 0; t < tasks.size(); t++) {
            cb.call(tasks.get(t), job, Integer.toString(t));
          }
        }))
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
    SummaryWithCallback.builder()
        .name("dlf_trainer_queue_wait_seconds")
        .help("Time jobs waited in the queue before a device of their kind took them")
        .labelNames("device_kind")
        .callback(cb -> scheduler.queueWaits().forEach((kind, wait) ->
            cb.call(wait.jobs(), wait.seconds(), Quantiles.EMPTY, kind.name())))
        .register(registry);
    CounterWithCallback.builder()
        .name("dlf_trainer_worker_starts_total")
        .help("Job worker processes started")
        .callback(cb -> cb.call(jobs.workerStarts()))
        .register(registry);
    CounterWithCallback.builder()
        .name("dlf_trainer_worker_exits_total")
        .help("Job worker processes ended, by how: job_ended (it reported the job's end), paused, died")
        .labelNames("cause")
        .callback(cb -> jobs.workerExits().forEach((cause, n) -> cb.call(n, cause.name().toLowerCase(Locale.ROOT))))
        .register(registry);
    CounterWithCallback.builder()
        .name("dlf_trainer_job_retries_total")
        .help("Jobs queued again, to resume from their checkpoint, because their worker died")
        .callback(cb -> cb.call(jobs.retries()))
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
