package io.dlf.serving.predict;

import static java.util.Objects.requireNonNull;

import io.dlf.dsl.encode.RawBatch;
import io.dlf.serving.ServingException;
import java.util.function.BooleanSupplier;

/**
 * Examples waiting to be scored, and whom to tell.
 *
 * @param deadlineNanos {@link System#nanoTime()} after which the answer is useless, or
 *     {@link #NO_DEADLINE}
 * @param cancelled true once the client has gone away
 * @param queuedAtNanos {@link System#nanoTime()} when the request entered the queue
 */
public record PendingRequest(
    RawBatch examples, long deadlineNanos, BooleanSupplier cancelled, Callback callback, long queuedAtNanos) {
  public static final long NO_DEADLINE = Long.MAX_VALUE;

  /** Exactly one of its methods is called, once, from whichever thread scored or dropped the request. */
  public interface Callback {
    void succeeded(float[] probabilities);

    void failed(ServingException error);
  }

  public PendingRequest {
    requireNonNull(examples, "examples is null");
    requireNonNull(cancelled, "cancelled is null");
    requireNonNull(callback, "callback is null");
  }

  public PendingRequest(RawBatch examples, long deadlineNanos, BooleanSupplier cancelled, Callback callback) {
    this(examples, deadlineNanos, cancelled, callback, System.nanoTime());
  }

  public int size() {
    return examples.size();
  }

  boolean expired(long nowNanos) {
    return deadlineNanos != NO_DEADLINE && nowNanos - deadlineNanos >= 0;
  }
}
