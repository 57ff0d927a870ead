package io.dlf.trainer.server;

import io.dlf.trainer.server.postgres.DatabaseSettings;
import io.dlf.trainer.server.postgres.TestPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * For a test class that runs an embedded-trainer test on PostgreSQL: one real server for the class
 * ({@code @RegisterExtension static}), a new empty database for each test.
 */
final class FreshDatabase implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback {
  private TestPostgres postgres;
  private String url;

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    Path serverDir = Files.createTempDirectory("postgres-" + context.getRequiredTestClass().getSimpleName());
    postgres = TestPostgres.start(serverDir.resolve("data"));
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    postgres.close();
  }

  @Override
  public void beforeEach(ExtensionContext context) throws Exception {
    url = postgres.createDatabase();
  }

  /** {@code config} as a trainer in the role {@code all} on this test's database: API and worker host in one. */
  TrainerServerConfig cluster(TrainerServerConfig config, String hostName) {
    return config.withCluster(ClusterSettings.of(TrainerRole.ALL,
        new DatabaseSettings(url, TestPostgres.user(), ""), hostName));
  }

  Connection connect() throws SQLException {
    return DriverManager.getConnection(url, TestPostgres.user(), "");
  }
}
