package io.dlf.trainer.server.postgres;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.google.inject.multibindings.Multibinder;
import com.google.inject.multibindings.OptionalBinder;
import io.dlf.trainer.server.TrainerRole;
import io.dlf.trainer.server.TrainerServerConfig;
import io.dlf.trainer.server.jobs.JobCounts;
import io.dlf.trainer.server.jobs.JobExecution;
import io.dlf.trainer.server.jobs.JobService;

/** Job records and the queue in a shared PostgreSQL database; the API, a worker host, or both, by role. */
public final class PostgresModule extends AbstractModule {
  private final TrainerRole role;

  public PostgresModule(TrainerRole role) {
    this.role = role;
  }

  @Override
  protected void configure() {
    if (role.servesApi()) {
      OptionalBinder.newOptionalBinder(binder(), JobService.class).setBinding().to(PostgresJobService.class);
      OptionalBinder.newOptionalBinder(binder(), JobCounts.class).setBinding().to(PostgresJobCounts.class);
    }
    if (role.runsJobs()) {
      OptionalBinder.newOptionalBinder(binder(), JobExecution.class).setBinding().to(WorkerHost.class);
      bind(LeaseMetrics.class).asEagerSingleton();
    }
    Multibinder.newSetBinder(binder(), AutoCloseable.class).addBinding().to(JobDatabase.class);
  }

  @Provides
  @Singleton
  JobDatabase database(TrainerServerConfig config) {
    return JobDatabase.open(config.cluster().orElseThrow().database(), "trainer-" + role.name().toLowerCase(
        java.util.Locale.ROOT));
  }
}
