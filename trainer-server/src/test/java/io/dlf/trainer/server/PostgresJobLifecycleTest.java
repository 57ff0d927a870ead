package io.dlf.trainer.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.dlf.proto.trainer.v1.Job;
import io.dlf.trainer.server.postgres.DatabaseSettings;
import io.dlf.trainer.server.postgres.TestPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;

/**
 * The job lifecycle of {@link JobLifecycleTest} with the job store and queue in PostgreSQL (a real
 * server, a fresh database per test): one trainer in the role {@code all}, which serves the API
 * over the database and leases its jobs back as a worker host.
 */
@Tag("e2e")
class PostgresJobLifecycleTest extends JobLifecycleTest {
  private static Path serverDir;
  private static TestPostgres postgres;
  private String url;

  @BeforeAll
  static void startDatabase() throws Exception {
    serverDir = Files.createTempDirectory("postgres-lifecycle");
    postgres = TestPostgres.start(serverDir.resolve("data"));
  }

  @AfterAll
  static void stopDatabase() throws Exception {
    postgres.close();
  }

  @BeforeEach
  void database() throws Exception {
    url = postgres.createDatabase();
  }

  @Override
  protected TrainerServerConfig config() {
    return super.config().withCluster(ClusterSettings.of(TrainerRole.ALL,
        new DatabaseSettings(url, TestPostgres.user(), ""), "lifecycle-host"));
  }

  @Override
  protected Job onlyStoredJob() throws Exception {
    List<Job> jobs = new ArrayList<>();
    try (Connection connection = connect(); PreparedStatement select = connection.prepareStatement("SELECT job FROM jobs");
        ResultSet rows = select.executeQuery()) {
      while (rows.next()) {
        jobs.add(Job.parseFrom(rows.getBytes(1)));
      }
    }
    assertEquals(1, jobs.size(), jobs.toString());
    return jobs.get(0);
  }

  /** The row a host that died while running the job leaves: its lease expired, which the next host finds. */
  @Override
  protected void storeAsLeftRunning(Job job) throws Exception {
    try (Connection connection = connect(); PreparedStatement update = connection.prepareStatement("UPDATE jobs "
        + "SET job = ?, state = ?, lease_owner = 'a-host-that-died', lease_token = nextval('lease_tokens'), "
        + "lease_expires = now() - interval '1 second' WHERE id = ?")) {
      update.setBytes(1, job.toByteArray());
      update.setString(2, job.getState().name());
      update.setString(3, job.getId());
      assertEquals(1, update.executeUpdate());
    }
  }

  private Connection connect() throws Exception {
    return DriverManager.getConnection(url, TestPostgres.user(), "");
  }
}
