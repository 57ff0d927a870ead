package io.dlf.trainer.encode;

import java.util.function.LongSupplier;

/** Counts a stage's rows and tells the listener at the start, about once a second, and at the end. */
final class ProgressMeter implements RowCounter {
  private static final long REPORT_NANOS = 1_000_000_000L;
  private static final int CHECK_EVERY_ROWS = 4096;

  private final PreparationListener listener;
  private final PreparationProgress.Stage stage;
  private final String split;
  private final LongSupplier bytes;
  private final long start = System.nanoTime();
  private long lastReport = start;
  private long rows;

  /** @param bytes the bytes the stage's kind wrote so far (see {@link PreparationProgress#bytes}) */
  ProgressMeter(PreparationListener listener, PreparationProgress.Stage stage, String split, LongSupplier bytes) {
    this.listener = listener;
    this.stage = stage;
    this.split = split;
    this.bytes = bytes;
    report(start);
  }

  @Override
  public void row() {
    rows++;
    if (rows % CHECK_EVERY_ROWS == 0) {
      long now = System.nanoTime();
      if (now - lastReport >= REPORT_NANOS) {
        report(now);
      }
    }
  }

  long rows() {
    return rows;
  }

  void finish() {
    report(System.nanoTime());
  }

  private void report(long now) {
    lastReport = now;
    double seconds = (now - start) / 1e9;
    listener.onProgress(new PreparationProgress(stage, split, rows, seconds > 0 ? rows / seconds : 0,
        bytes.getAsLong()));
  }
}
