package io.dlf.serving;

import io.dlf.dsl.encode.RawBatch;
import io.dlf.dsl.spec.Feature;
import io.dlf.serving.model.ServableModel;
import io.dlf.serving.model.VersionInfo;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Fault injection around a real model: calls can be held at a gate (a slow model, on demand),
 * and every batch size that reaches the model is recorded.
 */
public final class GatedModel implements ServableModel {
  private final ServableModel real;
  private final List<Integer> batchSizes = Collections.synchronizedList(new ArrayList<>());
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Gate gate = new Gate();

  public GatedModel(ServableModel real) {
    this.real = real;
  }

  /** From now on, calls wait at the gate until {@link #release()}. */
  public void hold() {
    gate.shut();
  }

  public void release() {
    gate.open();
  }

  /** Waits until a call has reached the gate. */
  public void awaitHeldCall() throws InterruptedException {
    gate.awaitArrival("call of the model");
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
    try {
      gate.pass();
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
