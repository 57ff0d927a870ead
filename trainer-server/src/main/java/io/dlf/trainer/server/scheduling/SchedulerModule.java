package io.dlf.trainer.server.scheduling;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import io.dlf.trainer.server.TrainerServerConfig;
import io.dlf.trainer.server.devices.DeviceInventory;
import io.dlf.trainer.server.workers.WorkerLauncher;
import java.util.logging.Logger;

/** The worker launcher, the devices its probe finds at start-up, and the scheduler. */
public final class SchedulerModule extends AbstractModule {
  private static final Logger LOG = Logger.getLogger(SchedulerModule.class.getName());

  @Override
  protected void configure() {
    bind(JobScheduler.class);
  }

  @Provides
  @Singleton
  WorkerLauncher workerLauncher(TrainerServerConfig config) {
    return new WorkerLauncher(config.workers());
  }

  @Provides
  @Singleton
  DeviceInventory devices(TrainerServerConfig config, WorkerLauncher launcher) {
    // A control plane runs no jobs: it has no devices to look for (placement follows the worker hosts').
    boolean lookForGpus = config.useGpus() && config.role().runsJobs();
    DeviceInventory devices = DeviceInventory.discover(lookForGpus, launcher, config.dataDir().resolve("logs"));
    LOG.info(() -> "TensorFlow devices: " + devices.describe()
        + (devices.gpus().isEmpty()
            ? " (no GPU: PREFER_GPU jobs train on the CPU, REQUIRE_GPU jobs are refused)" : ""));
    return devices;
  }
}
