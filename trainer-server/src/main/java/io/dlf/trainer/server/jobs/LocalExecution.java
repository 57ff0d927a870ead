package io.dlf.trainer.server.jobs;

import com.google.inject.Inject;
import com.google.inject.Singleton;
import io.dlf.trainer.server.scheduling.JobScheduler;
import java.time.Duration;

/** Jobs of an embedded trainer run where its scheduler starts them, in worker processes of this host. */
@Singleton
final class LocalExecution implements JobExecution {
  private final JobScheduler scheduler;
  private final JobRunner runner;

  @Inject
  LocalExecution(JobScheduler scheduler, JobRunner runner) {
    this.scheduler = scheduler;
    this.runner = runner;
  }

  /** {@link LocalJobService#start()} queues the stored jobs; the scheduler starts them as slots free. */
  @Override
  public void start() {
  }

  @Override
  public void pauseRunning() {
    runner.pauseAll();
  }

  @Override
  public boolean drain(Duration timeout) {
    return scheduler.drain(timeout);
  }

  @Override
  public void killRunning() {
    runner.killAll();
  }
}
