package io.dlf.trainer.server;

import io.dlf.trainer.server.postgres.DatabaseSettings;
import io.dlf.trainer.server.postgres.TestPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * For a test class that runs an embedded-trainer test on PostgreSQL: one real server for the class
 * ({@code @RegisterExtension static}), a new empty database for each test.
 */
final class FreshDatabase implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback {
  private Path serverDir;
  private TestPostgres postgres;
  private String url;

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    serverDir = Files.createTempDirectory("postgres-" + context.getRequiredTestClass().getSimpleName());
    postgres = TestPostgres.start(serverDir.resolve("data"));
  }

  /** Stops the server and removes its files (about 60 MB per test class). */
  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    postgres.close();
    try (Stream<Path> files = Files.walk(serverDir)) {
      for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(file);
      }
    }
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
