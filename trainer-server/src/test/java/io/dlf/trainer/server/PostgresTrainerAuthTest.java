package io.dlf.trainer.server;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link TrainerAuthTest} with the jobs in PostgreSQL (a real server, a fresh database per test): the
 * submitter is stored with the job, ListJobs filters by it in the query, and RetryExport is checked
 * like the other calls.
 */
@Tag("e2e")
class PostgresTrainerAuthTest extends TrainerAuthTest {
  @RegisterExtension
  static final FreshDatabase DATABASE = new FreshDatabase();

  @Override
  protected TrainerServerConfig config(TrainerServerConfig embedded) {
    return DATABASE.cluster(embedded, "auth-host");
  }
}
