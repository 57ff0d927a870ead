package io.dlf.trainer.training;

/** Asked between training steps whether the run should stop. */
@FunctionalInterface
public interface StopSignal {

  enum Request {
    CONTINUE,
    /** Checkpoint now and return, so the run can resume from this step later. */
    PAUSE,
    /** Stop at once; the checkpoints written so far stay. */
    CANCEL
  }

  Request poll();

  StopSignal NEVER = () -> Request.CONTINUE;
}
