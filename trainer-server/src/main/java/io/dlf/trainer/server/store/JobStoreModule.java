package io.dlf.trainer.server.store;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import io.dlf.trainer.server.TrainerServerConfig;
import java.io.IOException;

/** The job store: files in the trainer's data folder. */
public final class JobStoreModule extends AbstractModule {

  @Provides
  @Singleton
  JobStore store(TrainerServerConfig config) throws IOException {
    return FileJobStore.open(config.dataDir());
  }
}
