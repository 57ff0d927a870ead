package io.dlf.trainer.server.jobs;

import java.time.Duration;

/**
 * Where jobs run: the worker processes of this host, started by the local scheduler
 * ({@link LocalJobService}) or by leases on a shared queue ({@code WorkerHost}).
 */
public interface JobExecution {

  /** Starts taking jobs. */
  void start();

  /** Running jobs checkpoint at their next step and go back to the queue; jobs starting from now on too. */
  void pauseRunning();

  /** Starts no more jobs and waits up to {@code timeout} for the running ones to return; whether they all did. */
  boolean drain(Duration timeout);

  /** Ends the workers that did not pause in time; their jobs resume from their last checkpoints. */
  void killRunning();

  /** After the drain: lets go of what the execution holds besides its workers (none for an embedded trainer). */
  default void close() {
  }
}
