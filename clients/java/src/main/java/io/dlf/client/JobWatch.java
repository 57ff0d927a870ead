package io.dlf.client;

import io.dlf.proto.trainer.v1.JobEvent;
import io.dlf.proto.trainer.v1.WatchJobRequest;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A live watch of one job's events. The events go to a listener on a gRPC thread as they come;
 * {@link #await()} blocks until the job ends. {@link #close()} stops watching (the job runs on).
 */
public final class JobWatch implements AutoCloseable {
  private final CompletableFuture<Void> end = new CompletableFuture<>();
  private volatile ClientCallStreamObserver<WatchJobRequest> call;

  JobWatch() {}

  ClientResponseObserver<WatchJobRequest, JobEvent> observer(Consumer<JobEvent> listener,
      Function<StatusRuntimeException, DlfException> errors) {
    return new ClientResponseObserver<>() {
      @Override
      public void beforeStart(ClientCallStreamObserver<WatchJobRequest> stream) {
        call = stream;
      }

      @Override
      public void onNext(JobEvent event) {
        try {
          listener.accept(event);
        } catch (RuntimeException e) {
          // A listener that fails would otherwise be left watching a stream nobody reads.
          end.completeExceptionally(e);
          call.cancel("the listener failed", e);
        }
      }

      @Override
      public void onError(Throwable t) {
        end.completeExceptionally(t instanceof StatusRuntimeException s ? errors.apply(s) : t);
      }

      @Override
      public void onCompleted() {
        end.complete(null);
      }
    };
  }

  /**
   * Blocks until the server ends the stream, which it does when the job ends.
   *
   * @throws DlfException when the stream failed (trainer unreachable or shutting down, deadline, closed)
   */
  public void await() throws InterruptedException {
    try {
      end.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(e.getCause());
    }
  }

  /** Whether the stream has ended, one way or another. */
  public boolean isDone() {
    return end.isDone();
  }

  /** Stops watching; the job is not affected. */
  @Override
  public void close() {
    ClientCallStreamObserver<WatchJobRequest> stream = call;
    if (stream != null && !end.isDone()) {
      stream.cancel("the client stopped watching", null);
    }
  }
}
