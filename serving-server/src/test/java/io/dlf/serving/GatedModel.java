package io.dlf.serving;

import io.dlf.dsl.encode.RawBatch;
import io.dlf.dsl.spec.Feature;
import io.dlf.serving.model.ServableModel;
import io.dlf.serving.model.VersionInfo;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Fault injection around a real model: calls can be held at a gate (a slow model, on demand),
 * and every batch size that reaches the model is recorded.
 */
public final class GatedModel implements ServableModel {
  private final ServableModel real;
  private final List<Integer> batchSizes = Collections.synchronizedList(new ArrayList<>());
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile CountDownLatch gate = new CountDownLatch(0);
  private volatile CountDownLatch entered = new CountDownLatch(0);

  public GatedModel(ServableModel real) {
    this.real = real;
  }

  /** From now on, calls wait at the gate until {@link #release()}. */
  public void hold() {
    entered = new CountDownLatch(1);
    gate = new CountDownLatch(1);
  }

  public void release() {
    gate.countDown();
  }

  /** Waits until a call has reached the gate. */
  public void awaitHeldCall() throws InterruptedException {
    if (!entered.await(30, TimeUnit.SECONDS)) {
      throw new AssertionError("no call reached the model");
    }
  }

  /** The size of every batch the model was asked to score, in order. */
  public List<Integer> batchSizes() {
    synchronized (batchSizes) {
      return List.copyOf(batchSizes);
    }
  }

  public boolean closed() {
    return closed.get();
  }

  @Override
  public List<Feature> inputs() {
    return real.inputs();
  }

  @Override
  public float[] predict(RawBatch batch) {
    batchSizes.add(batch.size());
    entered.countDown();
    try {
      if (!gate.await(60, TimeUnit.SECONDS)) {
        throw new IllegalStateException("the test never released the gate");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    return real.predict(batch);
  }

  @Override
  public VersionInfo info() {
    return real.info();
  }

  @Override
  public void close() {
    closed.set(true);
    real.close();
  }
}
