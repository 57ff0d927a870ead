package io.dlf.serving.predict;

import com.google.inject.AbstractModule;

/** Queueing and dynamic batching of prediction requests. */
public final class PredictionModule extends AbstractModule {
  private final BatchingConfig config;

  public PredictionModule(BatchingConfig config) {
    this.config = config;
  }

  @Override
  protected void configure() {
    bind(BatchingConfig.class).toInstance(config);
    bind(BatcherFactory.class);
  }
}
