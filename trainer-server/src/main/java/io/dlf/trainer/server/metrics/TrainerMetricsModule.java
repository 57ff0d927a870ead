package io.dlf.trainer.server.metrics;

import com.google.inject.AbstractModule;

/** Registers the trainer's metrics with the server's Prometheus registry at start-up. */
public final class TrainerMetricsModule extends AbstractModule {

  @Override
  protected void configure() {
    bind(TrainerMetrics.class).asEagerSingleton();
  }
}
