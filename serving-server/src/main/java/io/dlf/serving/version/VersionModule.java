package io.dlf.serving.version;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.google.inject.multibindings.Multibinder;
import io.dlf.serving.model.ModelLoader;
import io.dlf.serving.model.TensorFlowModelLoader;

/** The version manager: policies, labels, loading into TensorFlow, draining and unloading. */
public final class VersionModule extends AbstractModule {
  private final VersionsConfig config;

  public VersionModule(VersionsConfig config) {
    this.config = config;
  }

  @Override
  protected void configure() {
    bind(VersionsConfig.class).toInstance(config);
    bind(VersionManager.class);
    Multibinder.newSetBinder(binder(), VersionListener.class);
  }

  @Provides
  @Singleton
  ModelLoader loader() {
    return new TensorFlowModelLoader(config.intraOpThreads(), config.interOpThreads());
  }
}
