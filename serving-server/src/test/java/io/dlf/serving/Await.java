package io.dlf.serving;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waits for something the server does in the background (a poll, a load, an unload). */
public final class Await {
  private Await() {}

  public static void until(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - end > 0) {
        throw new AssertionError("timed out after " + timeout + " waiting until " + what);
      }
      Thread.sleep(20);
    }
  }
}
