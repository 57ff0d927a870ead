package io.dlf.serving.predict;

import com.google.inject.Inject;
import com.google.inject.Singleton;
import io.dlf.serving.model.ServableModel;

/** Makes each loaded version's {@link Batcher} from the batching configuration. */
@Singleton
public final class BatcherFactory {
  private final BatchingConfig config;
  private final BatchObserver.Factory observers;

  @Inject
  public BatcherFactory(BatchingConfig config, BatchObserver.Factory observers) {
    this.config = config;
    this.observers = observers;
  }

  public BatchingConfig config() {
    return config;
  }

  public Batcher create(String model, long version, ServableModel servable) {
    return new Batcher("model '" + model + "' version " + version, servable, config,
        observers.forVersion(model, version));
  }
}
