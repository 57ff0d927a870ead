package io.dlf.serving.repository;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import io.dlf.dsl.repository.ModelRepository;

/** The model repository and the watcher that follows it. */
public final class RepositoryModule extends AbstractModule {
  private final RepositoryConfig config;

  public RepositoryModule(RepositoryConfig config) {
    this.config = config;
  }

  @Override
  protected void configure() {
    bind(RepositoryConfig.class).toInstance(config);
    bind(RepositoryWatcher.class);
  }

  @Provides
  @Singleton
  ModelRepository repository() {
    return new ModelRepository(config.root());
  }
}
