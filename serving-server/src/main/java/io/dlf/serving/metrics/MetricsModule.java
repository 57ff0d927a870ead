package io.dlf.serving.metrics;

import com.google.inject.AbstractModule;
import com.google.inject.multibindings.Multibinder;
import io.dlf.serving.predict.BatchObserver;
import io.dlf.serving.version.VersionListener;

/** The serving metrics, registered in the server's Prometheus registry, and what feeds them. */
public final class MetricsModule extends AbstractModule {
  @Override
  protected void configure() {
    bind(ServingMetrics.class);
    bind(BatchObserver.Factory.class).to(ServingMetrics.class);
    Multibinder.newSetBinder(binder(), VersionListener.class).addBinding().to(ServingMetrics.class);
  }
}
