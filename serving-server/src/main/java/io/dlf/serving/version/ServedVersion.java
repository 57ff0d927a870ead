package io.dlf.serving.version;

import io.dlf.serving.model.ServableModel;
import io.dlf.serving.predict.Batcher;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;

/**
 * A loaded version with its queue, and the leases that keep it open: it is closed only after it
 * has been taken out of routing and the last request holding a lease has been answered.
 */
public final class ServedVersion {
  private static final Logger LOG = Logger.getLogger(ServedVersion.class.getName());

  private final String model;
  private final long version;
  private final ServableModel servable;
  private final Batcher batcher;
  private final AtomicInteger leases = new AtomicInteger();
  private final CountDownLatch drained = new CountDownLatch(1);
  private volatile boolean retired;

  ServedVersion(String model, long version, ServableModel servable, Batcher batcher) {
    this.model = model;
    this.version = version;
    this.servable = servable;
    this.batcher = batcher;
  }

  public String model() {
    return model;
  }

  public long version() {
    return version;
  }

  public ServableModel servable() {
    return servable;
  }

  public Batcher batcher() {
    return batcher;
  }

  /** A lease, or null once the version is retired. */
  Lease tryAcquire() {
    leases.incrementAndGet();
    if (retired) {
      release();
      return null;
    }
    return new Lease(this);
  }

  void release() {
    if (leases.decrementAndGet() == 0 && retired) {
      drained.countDown();
    }
  }

  /** Fails the requests still queued (on shutdown, where nobody will score them). */
  void abandonQueue() {
    batcher.close();
  }

  /**
   * Refuses new leases, waits for the held ones to be released, then closes the session. Call
   * only after the version has left routing, so that the wait ends.
   */
  void retireAndClose() {
    retired = true;
    if (leases.get() == 0) {
      drained.countDown();
    }
    try {
      while (!drained.await(10, TimeUnit.SECONDS)) {
        LOG.warning(() -> "version " + version + " of model '" + model + "' still has " + leases.get()
            + " requests in flight; waiting for them before closing its session");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      LOG.warning(() -> "interrupted while draining version " + version + " of model '" + model
          + "'; its session stays open");
      return;
    }
    batcher.close();
    servable.close();
  }
}
