package io.dlf.serving.grpc;

import com.google.inject.Inject;
import com.google.inject.Singleton;
import io.dlf.dsl.encode.RawBatch;
import io.dlf.serving.ServingException;
import io.dlf.serving.metrics.ServingMetrics;
import io.dlf.serving.predict.BatchingConfig;
import io.dlf.serving.predict.PendingRequest;
import io.dlf.serving.version.Lease;
import io.dlf.serving.version.ServedVersion;
import io.dlf.serving.version.VersionManager;
import io.dlf.serving.version.VersionSelector;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.StatusRuntimeException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * One prediction, whatever API it came through: picks the version, checks the batch size,
 * decodes the examples for that version's inputs, queues them, and answers exactly once. The
 * version stays leased until the answer is out, so an unload waits for it.
 */
@Singleton
final class Predictions {
  private static final String UNKNOWN_MODEL = "(unknown)";

  private final VersionManager versions;
  private final BatchingConfig batching;
  private final ServingMetrics metrics;

  /** Hears the outcome of one prediction. */
  interface Answer {
    void succeeded(long version, float[] probabilities);

    void failed(StatusRuntimeException status);
  }

  @Inject
  Predictions(VersionManager versions, BatchingConfig batching, ServingMetrics metrics) {
    this.versions = versions;
    this.batching = batching;
    this.metrics = metrics;
  }

  /** The current call's deadline as a {@link System#nanoTime()} value, or {@link PendingRequest#NO_DEADLINE}. */
  static long deadlineNanos() {
    Deadline deadline = Context.current().getDeadline();
    return deadline == null ? PendingRequest.NO_DEADLINE
        : System.nanoTime() + deadline.timeRemaining(TimeUnit.NANOSECONDS);
  }

  void predict(String api, String model, VersionSelector selector, ExampleSource examples, long deadlineNanos,
      BooleanSupplier cancelled, Answer answer) {
    long start = System.nanoTime();
    Lease lease;
    try {
      if (model.isEmpty()) {
        throw ServingException.invalid("model", "name the model to ask; models: " + versions.models());
      }
      lease = versions.acquire(model, selector);
    } catch (ServingException e) {
      // a name the server does not know would add a metrics series per typo
      fail(api, e.kind() == ServingException.Kind.NOT_FOUND ? UNKNOWN_MODEL : model, "", start, e, answer);
      return;
    }
    ServedVersion served = lease.version();
    String version = Long.toString(served.version());
    try {
      int size = examples.size();
      if (size < 1 || size > batching.maxExamplesPerRequest()) {
        throw ServingException.invalid("examples", "the request carries " + size + " examples; send 1 to "
            + batching.maxExamplesPerRequest() + " (the max-examples-per-request limit)");
      }
      RawBatch batch = examples.decode(served.servable().inputs(), "model '" + model + "' version " + version);
      served.batcher().submit(new PendingRequest(batch, deadlineNanos, cancelled, new PendingRequest.Callback() {
        @Override
        public void succeeded(float[] probabilities) {
          lease.close();
          metrics.requestFinished(model, version, api, "OK", System.nanoTime() - start, probabilities.length);
          answer.succeeded(served.version(), probabilities);
        }

        @Override
        public void failed(ServingException error) {
          lease.close();
          fail(api, model, version, start, error, answer);
        }
      }));
    } catch (ServingException e) {
      lease.close();
      fail(api, model, version, start, e, answer);
    }
  }

  private void fail(String api, String model, String version, long start, ServingException error, Answer answer) {
    StatusRuntimeException status = ServingErrors.toStatus(error);
    metrics.requestFinished(model, version, api, status.getStatus().getCode().name(), System.nanoTime() - start, 0);
    answer.failed(status);
  }
}
