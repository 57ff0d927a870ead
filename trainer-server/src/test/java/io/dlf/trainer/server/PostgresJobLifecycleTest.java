package io.dlf.trainer.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.dlf.proto.trainer.v1.Job;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The job lifecycle of {@link JobLifecycleTest} with the job store and queue in PostgreSQL (a real
 * server, a fresh database per test): one trainer in the role {@code all}, which serves the API
 * over the database and leases its jobs back as a worker host.
 */
@Tag("e2e")
class PostgresJobLifecycleTest extends JobLifecycleTest {
  @RegisterExtension
  static final FreshDatabase DATABASE = new FreshDatabase();

  @Override
  protected TrainerServerConfig config() {
    return DATABASE.cluster(super.config(), "lifecycle-host");
  }

  @Override
  protected Job onlyStoredJob() throws Exception {
    List<Job> jobs = new ArrayList<>();
    try (Connection connection = DATABASE.connect();
        PreparedStatement select = connection.prepareStatement("SELECT job FROM jobs");
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
    try (Connection connection = DATABASE.connect(); PreparedStatement update = connection.prepareStatement(
        "UPDATE jobs SET job = ?, state = ?, lease_owner = 'a-host-that-died', lease_token = nextval('lease_tokens'), "
        + "lease_expires = now() - interval '1 second' WHERE id = ?")) {
      update.setBytes(1, job.toByteArray());
      update.setString(2, job.getState().name());
      update.setString(3, job.getId());
      assertEquals(1, update.executeUpdate());
    }
  }
}
