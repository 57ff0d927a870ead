package io.dlf.trainer.server.jobs;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.google.inject.multibindings.Multibinder;
import com.google.inject.multibindings.OptionalBinder;
import io.dlf.proto.trainer.v1.JobState;
import io.dlf.trainer.server.TrainerServerConfig;
import io.dlf.trainer.server.scheduling.JobScheduler;
import io.dlf.trainer.server.store.FileJobStore;
import io.dlf.trainer.server.store.JobStore;
import java.io.IOException;
import java.util.Map;

/** The embedded trainer: job records in files in its data folder, its own queue, jobs run on this host. */
public final class LocalJobsModule extends AbstractModule {

  @Override
  protected void configure() {
    OptionalBinder.newOptionalBinder(binder(), JobService.class).setBinding().to(LocalJobService.class);
    OptionalBinder.newOptionalBinder(binder(), JobExecution.class).setBinding().to(LocalExecution.class);
    OptionalBinder.newOptionalBinder(binder(), JobCounts.class).setBinding().to(LocalCounts.class);
    Multibinder.newSetBinder(binder(), AutoCloseable.class).addBinding().to(JobStore.class);
  }

  @Provides
  @Singleton
  JobStore store(TrainerServerConfig config) throws IOException {
    return FileJobStore.open(config.dataDir());
  }

  /** Jobs by state from the registry, the queue from the scheduler. */
  @Singleton
  static final class LocalCounts implements JobCounts {
    private final JobRegistry registry;
    private final JobScheduler scheduler;

    @com.google.inject.Inject
    LocalCounts(JobRegistry registry, JobScheduler scheduler) {
      this.registry = registry;
      this.scheduler = scheduler;
    }

    @Override
    public Map<JobState, Long> countByState() {
      return registry.countByState();
    }

    @Override
    public long queueLength() {
      return scheduler.queueLength();
    }
  }
}
