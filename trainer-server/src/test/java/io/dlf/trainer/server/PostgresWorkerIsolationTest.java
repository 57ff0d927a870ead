package io.dlf.trainer.server;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link WorkerIsolationTest} with the job store and queue in PostgreSQL (a real server, a fresh
 * database per test): a killed worker's job goes back to the shared queue and the worker host leases
 * it again; worker starts, exits, retries and queue waits count as in an embedded trainer.
 */
@Tag("e2e")
class PostgresWorkerIsolationTest extends WorkerIsolationTest {
  @RegisterExtension
  static final FreshDatabase DATABASE = new FreshDatabase();

  @Override
  protected TrainerServerConfig config() {
    return DATABASE.cluster(super.config(), "isolation-host");
  }
}
