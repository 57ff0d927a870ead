package io.dlf.serving.version;

import java.util.concurrent.atomic.AtomicBoolean;

/** The right to use a served version until closed; a version is not unloaded while a lease is open. */
public final class Lease implements AutoCloseable {
  private final ServedVersion version;
  private final AtomicBoolean open = new AtomicBoolean(true);

  Lease(ServedVersion version) {
    this.version = version;
  }

  public ServedVersion version() {
    return version;
  }

  /** Idempotent. */
  @Override
  public void close() {
    if (open.compareAndSet(true, false)) {
      version.release();
    }
  }
}
