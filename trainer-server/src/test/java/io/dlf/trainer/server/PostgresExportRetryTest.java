package io.dlf.trainer.server;

import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link ExportRetryTest} with the job store and queue in PostgreSQL (a real server, a fresh
 * database per test): RetryExport puts the job back into the shared queue for a CPU slot, and the
 * worker host leases it and exports its kept trained model.
 */
@Tag("e2e")
class PostgresExportRetryTest extends ExportRetryTest {
  @RegisterExtension
  static final FreshDatabase DATABASE = new FreshDatabase();

  @Override
  protected TrainerServerConfig config(Path models) {
    return DATABASE.cluster(super.config(models), "export-host");
  }
}
