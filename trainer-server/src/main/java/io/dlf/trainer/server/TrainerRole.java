package io.dlf.trainer.server;

/** What a trainer process does in a cluster that shares a database (--role). */
public enum TrainerRole {
  /** The API and a worker host in one process; without a database, the embedded trainer. */
  ALL,
  /** TrainerService over the shared database; runs no jobs. */
  CONTROL_PLANE,
  /** Leases queued jobs and runs each in a worker process; serves only health and metrics. */
  WORKER_HOST;

  public boolean servesApi() {
    return this != WORKER_HOST;
  }

  public boolean runsJobs() {
    return this != CONTROL_PLANE;
  }
}
