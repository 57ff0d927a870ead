package io.dlf.trainer.job;

import io.dlf.proto.model.v1.EvaluationMetrics;

/** The validation figure that selects the best checkpoint; higher is better. */
public enum Monitor {
  AUC,
  LOGLOSS,
  /** What the released DLF code monitors. */
  AUC_MINUS_LOGLOSS;

  public double value(EvaluationMetrics m) {
    return switch (this) {
      case AUC -> m.getAuc();
      case LOGLOSS -> -m.getLogloss();
      case AUC_MINUS_LOGLOSS -> m.getAuc() - m.getLogloss();
    };
  }
}
