package io.dlf.trainer.server.jobs;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import io.dlf.dsl.repository.ModelRepository;
import io.dlf.trainer.data.GeneratedDatasets;
import io.dlf.trainer.server.TrainerServerConfig;
import io.dlf.trainer.server.devices.DeviceInventory;
import io.dlf.trainer.server.submit.DataRoots;
import io.dlf.trainer.server.submit.JobMemoryLimit;
import java.util.logging.Logger;

/** Jobs: validation against the data roots, and running them in worker processes that export into the model repository. */
public final class JobsModule extends AbstractModule {
  private static final Logger LOG = Logger.getLogger(JobsModule.class.getName());

  @Override
  protected void configure() {
    bind(JobRegistry.class);
    bind(JobService.class);
    bind(JobRunner.class);
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
