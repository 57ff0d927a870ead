package io.dlf.trainer.job;

import java.util.Locale;

/** The arithmetic of a training step. */
public enum Precision {
  FLOAT32,
  /** Matrix products in bfloat16 with float32 accumulation; variables and optimizer state in float32. */
  BFLOAT16;

  /** As a version's metrics.json writes it: "float32" or "bfloat16". */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
