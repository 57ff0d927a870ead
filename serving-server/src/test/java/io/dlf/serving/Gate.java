package io.dlf.serving;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A gate the test shuts and opens, for a fault injected on purpose (a slow model, a slow load):
 * while it is shut, calls wait in {@link #pass()}, and the test can wait until one has arrived.
 */
final class Gate {
  private volatile CountDownLatch open = new CountDownLatch(0);
  private volatile CountDownLatch arrived = new CountDownLatch(0);

  /** From now on, calls wait at the gate until {@link #open()}. */
  public void shut() {
    arrived = new CountDownLatch(1);
    open = new CountDownLatch(1);
  }

  public void open() {
    open.countDown();
  }

  /** Waits until a call has reached the gate while it was shut. */
  public void awaitArrival(String what) throws InterruptedException {
    if (!arrived.await(30, TimeUnit.SECONDS)) {
      throw new AssertionError("no " + what + " reached the gate");
    }
  }

  /** Where a call waits while the gate is shut. */
  void pass() throws InterruptedException {
    arrived.countDown();
    if (!open.await(60, TimeUnit.SECONDS)) {
      throw new IllegalStateException("the test never opened the gate");
    }
  }
}
