package io.dlf.trainer.server.scheduling;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import io.dlf.trainer.server.TrainerServerConfig;
import io.dlf.trainer.server.devices.DeviceInventory;
import io.dlf.trainer.server.devices.DeviceSessionConfigs;
import java.util.logging.Logger;

/** Devices found at start-up, the session settings that pin jobs to them, and the scheduler. */
public final class SchedulerModule extends AbstractModule {
  private static final Logger LOG = Logger.getLogger(SchedulerModule.class.getName());

  @Override
  protected void configure() {
    bind(JobScheduler.class);
  }

  @Provides
  @Singleton
  DeviceInventory devices(TrainerServerConfig config) {
    DeviceInventory devices = DeviceInventory.discover(config.useGpus());
    LOG.info(() -> "TensorFlow devices: " + devices.describe()
        + (devices.gpus().isEmpty()
            ? " (no GPU: PREFER_GPU jobs train on the CPU, REQUIRE_GPU jobs are refused)" : ""));
    return devices;
  }

  @Provides
  @Singleton
  DeviceSessionConfigs sessionConfigs(TrainerServerConfig config) {
    return new DeviceSessionConfigs(config.intraOpThreads(), config.interOpThreads());
  }
}
