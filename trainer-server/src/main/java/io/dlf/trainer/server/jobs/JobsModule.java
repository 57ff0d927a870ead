package io.dlf.trainer.server.jobs;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.google.inject.multibindings.Multibinder;
import com.google.inject.multibindings.OptionalBinder;
import io.dlf.dsl.repository.ModelRepository;
import io.dlf.trainer.data.GeneratedDatasets;
import io.dlf.trainer.server.TrainerServerConfig;
import io.dlf.trainer.server.devices.DeviceInventory;
import io.dlf.trainer.server.store.WorkFolders;
import io.dlf.trainer.server.submit.DataRoots;
import io.dlf.trainer.server.submit.JobMemoryLimit;
import java.util.logging.Logger;

/**
 * Jobs, whoever keeps their records: validation against the data roots, and running them in worker
 * processes that export into the model repository. {@link LocalJobsModule} or the shared database's
 * module says where records live and which of the API ({@link JobService}) and the running
 * ({@link JobExecution}) this process has.
 */
public final class JobsModule extends AbstractModule {
  private static final Logger LOG = Logger.getLogger(JobsModule.class.getName());

  @Override
  protected void configure() {
    bind(JobRegistry.class);
    bind(JobRunner.class);
    OptionalBinder.newOptionalBinder(binder(), JobService.class);
    OptionalBinder.newOptionalBinder(binder(), JobExecution.class);
    OptionalBinder.newOptionalBinder(binder(), JobCounts.class);
    Multibinder.newSetBinder(binder(), AutoCloseable.class);
  }

  /** Work folders (checkpoints) under the data folder, which several hosts share when they share a database. */
  @Provides
  @Singleton
  WorkFolders workFolders(TrainerServerConfig config) {
    return new WorkFolders(config.dataDir());
  }

  @Provides
  @Singleton
  DataRoots dataRoots(TrainerServerConfig config) {
    return new DataRoots(config.dataRoots());
  }

  @Provides
  @Singleton
  JobMemoryLimit jobMemoryLimit(TrainerServerConfig config, DeviceInventory devices) {
    JobMemoryLimit limit = JobMemoryLimit.of(config, devices);
    LOG.info(() -> "per-job memory limit: " + limit.describe());
    return limit;
  }

  /** Generated datasets live beside the jobs, in the trainer's own folder. */
  @Provides
  @Singleton
  GeneratedDatasets generatedDatasets(TrainerServerConfig config) {
    return new GeneratedDatasets(config.dataDir().resolve("datasets"));
  }

  @Provides
  @Singleton
  ModelRepository repository(TrainerServerConfig config) {
    return new ModelRepository(config.modelsDir());
  }
}
