package io.dlf.serving.predict;

import io.dlf.dsl.encode.RawBatch;
import io.dlf.serving.ServingException;
import io.dlf.serving.ServingException.Kind;
import io.dlf.serving.model.ServableModel;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The bounded queue of one model version, and the scoring of what it holds. There are no batching
 * threads: a thread that queues a request while fewer than {@code maxConcurrentBatches} batches
 * run goes on to score batches itself until the queue is empty, and requests queued while every
 * slot is busy wait for a running thread to take them. An idle server thus scores a request on
 * the thread that received it, with no hand-off, while under load requests pile up during a
 * batch and the next batch takes them together. Expired and cancelled requests are dropped
 * before they reach TensorFlow.
 */
public final class Batcher {
  private static final Logger LOG = Logger.getLogger(Batcher.class.getName());

  private final String name;
  private final ServableModel model;
  private final BatchingConfig config;
  private final BatchObserver observer;
  private final long delayNanos;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition arrived = lock.newCondition();
  private final ArrayDeque<PendingRequest> queue = new ArrayDeque<>();
  private int queuedExamples;
  private int running;
  private boolean closed;

  /** {@code name} says whose queue this is in error messages, e.g. "model 'ctr' version 3". */
  public Batcher(String name, ServableModel model, BatchingConfig config, BatchObserver observer) {
    this.name = name;
    this.model = model;
    this.config = config;
    this.observer = observer;
    this.delayNanos = config.maxQueueDelay().toNanos();
  }

  /**
   * Queues a request; its callback hears the outcome. May score batches on the calling thread
   * before returning. Throws OVERLOADED when the queue is full and UNAVAILABLE once closed.
   */
  public void submit(PendingRequest request) {
    boolean score;
    lock.lock();
    try {
      if (closed) {
        throw ServingException.of(Kind.UNAVAILABLE, "VERSION_UNLOADING", name + " is being unloaded; retry");
      }
      if (queue.size() >= config.maxQueueSize()) {
        throw ServingException.of(Kind.OVERLOADED, "QUEUE_FULL", "the queue of " + name + " is full ("
            + config.maxQueueSize() + " requests, the max-queue-size); retry later");
      }
      queue.addLast(request);
      queuedExamples += request.size();
      observer.queueLength(queue.size());
      score = running < config.maxConcurrentBatches();
      if (score) {
        running++;
      }
      arrived.signal();
    } finally {
      lock.unlock();
    }
    if (score) {
      scoreUntilEmpty();
    }
  }

  private void scoreUntilEmpty() {
    boolean holdsSlot = true;
    try {
      while (holdsSlot) {
        List<PendingRequest> dropped = new ArrayList<>();
        List<PendingRequest> batch = next(dropped);
        holdsSlot = batch != null;
        dropped.forEach(this::drop);
        if (batch != null) {
          score(batch);
        }
      }
    } finally {
      if (holdsSlot) {
        lock.lock();
        try {
          running--;
        } finally {
          lock.unlock();
        }
      }
    }
  }

  /** The next batch, or null (and the slot given back) when nothing is left. */
  private List<PendingRequest> next(List<PendingRequest> dropped) {
    lock.lock();
    try {
      while (true) {
        long now = System.nanoTime();
        dropStaleHead(now, dropped);
        if (queue.isEmpty()) {
          running--;
          return null;
        }
        if (config.enabled() && delayNanos > 0 && queuedExamples < config.maxBatchSize()
            && !Thread.currentThread().isInterrupted()) {
          long wait = queue.peekFirst().queuedAtNanos() + delayNanos - now;
          if (wait > 0) {
            awaitArrivals(wait);
            continue;
          }
        }
        List<PendingRequest> batch = take(now, dropped);
        if (!batch.isEmpty()) {
          return batch;
        }
      }
    } finally {
      lock.unlock();
    }
  }

  private void awaitArrivals(long nanos) {
    try {
      arrived.awaitNanos(nanos);
    } catch (InterruptedException e) {
      // the server is stopping: score what is queued rather than strand it
      Thread.currentThread().interrupt();
    }
  }

  private void dropStaleHead(long now, List<PendingRequest> dropped) {
    while (!queue.isEmpty() && stale(queue.peekFirst(), now)) {
      dropped.add(poll());
    }
  }

  private List<PendingRequest> take(long now, List<PendingRequest> dropped) {
    List<PendingRequest> batch = new ArrayList<>();
    int examples = 0;
    while (!queue.isEmpty()) {
      PendingRequest head = queue.peekFirst();
      if (stale(head, now)) {
        dropped.add(poll());
        continue;
      }
      if (!batch.isEmpty() && (!config.enabled() || examples + head.size() > config.maxBatchSize())) {
        break;
      }
      batch.add(poll());
      examples += head.size();
    }
    return batch;
  }

  private PendingRequest poll() {
    PendingRequest request = queue.pollFirst();
    queuedExamples -= request.size();
    observer.queueLength(queue.size());
    return request;
  }

  private static boolean stale(PendingRequest request, long now) {
    return request.expired(now) || request.cancelled().getAsBoolean();
  }

  private void score(List<PendingRequest> batch) {
    long start = System.nanoTime();
    List<RawBatch> parts = new ArrayList<>(batch.size());
    for (PendingRequest request : batch) {
      observer.queued(start - request.queuedAtNanos());
      parts.add(request.examples());
    }
    float[] probabilities;
    try {
      probabilities = model.predict(RawBatch.concat(parts));
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, name + " failed to score a batch of " + batch.size() + " requests", e);
      ServingException error = ServingException.of(Kind.INTERNAL, "PREDICTION_FAILED",
          name + " failed to score the examples: " + e.getMessage());
      batch.forEach(request -> fail(request, error));
      return;
    }
    observer.executed(probabilities.length);
    int offset = 0;
    for (PendingRequest request : batch) {
      float[] mine = batch.size() == 1 ? probabilities
          : Arrays.copyOfRange(probabilities, offset, offset + request.size());
      offset += request.size();
      try {
        request.callback().succeeded(mine);
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "a callback of " + name + " failed", e);
      }
    }
  }

  private void drop(PendingRequest request) {
    long now = System.nanoTime();
    if (request.expired(now)) {
      fail(request, ServingException.of(Kind.DEADLINE_EXCEEDED, "DEADLINE_EXCEEDED", "the deadline passed after "
          + TimeUnit.NANOSECONDS.toMillis(now - request.queuedAtNanos()) + " ms in the queue of " + name
          + ", before the examples were scored"));
    } else {
      fail(request, ServingException.of(Kind.CANCELLED, "CANCELLED", "the client cancelled the request"));
    }
  }

  private void fail(PendingRequest request, ServingException error) {
    try {
      request.callback().failed(error);
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "a callback of " + name + " failed", e);
    }
  }

  /** Refuses new requests and fails the queued ones with UNAVAILABLE; running batches finish. */
  public void close() {
    List<PendingRequest> abandoned = new ArrayList<>();
    lock.lock();
    try {
      closed = true;
      while (!queue.isEmpty()) {
        abandoned.add(poll());
      }
      arrived.signalAll();
    } finally {
      lock.unlock();
    }
    ServingException error = ServingException.of(Kind.UNAVAILABLE, "VERSION_UNLOADING",
        name + " was unloaded before the request was scored; retry");
    abandoned.forEach(request -> fail(request, error));
  }
}
