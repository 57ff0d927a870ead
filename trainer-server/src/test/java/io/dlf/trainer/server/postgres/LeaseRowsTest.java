package io.dlf.trainer.server.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.util.Timestamps;
import io.dlf.proto.trainer.v1.Job;
import io.dlf.proto.trainer.v1.JobAttempt;
import io.dlf.proto.trainer.v1.JobFailure;
import io.dlf.proto.trainer.v1.JobState;
import io.dlf.proto.trainer.v1.SubmitJobRequest;
import io.dlf.trainer.server.devices.Device;
import io.dlf.trainer.server.devices.DeviceKind;
import io.dlf.trainer.server.jobs.JobTransitions;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The queue's rows on a real PostgreSQL: a lease that expired goes back to the queue with the
 * attempt recorded as LEASE_EXPIRED, and the host that held it can neither renew it nor write over
 * the job once another host leased it (fencing by lease token).
 */
@Tag("e2e")
class LeaseRowsTest {
  private static final Device CPU = new Device("/device:CPU:0", DeviceKind.CPU, 0);
  @TempDir
  static Path dir;
  private static TestPostgres postgres;
  private static JobDatabase database;

  @BeforeAll
  static void start() throws Exception {
    postgres = TestPostgres.start(dir.resolve("data"));
    database = JobDatabase.open(new DatabaseSettings(postgres.createDatabase(), TestPostgres.user(), ""), "test");
  }

  @AfterAll
  static void stop() throws Exception {
    database.close();
    postgres.close();
  }

  @Test
  void aHostWhoseLeaseExpiredCannotWriteOverTheJob() throws Exception {
    Job submitted = JobTransitions.submitted("job-1", SubmitJobRequest.getDefaultInstance(), "", "m", DeviceKind.CPU,
        JobTransitions.now());
    database.transaction(connection -> {
      try (PreparedStatement insert = connection.prepareStatement("INSERT INTO jobs (id, state, device_kind, "
          + "created_nanos, job) VALUES (?, 'QUEUED', 'CPU', ?, ?)")) {
        insert.setString(1, submitted.getId());
        insert.setLong(2, Timestamps.toNanos(submitted.getCreateTime()));
        insert.setBytes(3, submitted.toByteArray());
        insert.executeUpdate();
      }
      return null;
    });

    LeaseRows.Lease first = database.transaction(c -> LeaseRows.lease(c, CPU, "host-a", Duration.ofMillis(1)))
        .orElseThrow();
    assertEquals(JobState.RUNNING, first.job().getState());
    assertEquals("host-a", first.job().getAttemptHistory(0).getHost());
    assertTrue(database.transaction(c -> LeaseRows.lease(c, CPU, "host-b", Duration.ofMinutes(1))).isEmpty(),
        "a running job is not leased twice");
    Thread.sleep(5); // the 1 ms lease is over by the database's clock
    assertEquals(1, database.transaction(LeaseRows::reapExpired));
    LeaseRows.Lease second = database.transaction(c -> LeaseRows.lease(c, CPU, "host-b", Duration.ofMinutes(1)))
        .orElseThrow();

    Job resumed = second.job();
    assertEquals(2, resumed.getAttempts());
    JobAttempt expired = resumed.getAttemptHistory(0);
    assertEquals(JobAttempt.End.LEASE_EXPIRED, expired.getEnd());
    assertTrue(expired.getCause().startsWith("the lease of worker host host-a expired at "), expired.getCause());
    assertEquals("host-b", resumed.getAttemptHistory(1).getHost());

    assertEquals(Map.of(), database.transaction(c -> LeaseRows.renew(c, "host-a", List.of(first.token()),
        Duration.ofMinutes(1))), "the old lease is not renewed");
    LeasedJob.Pending stale = new LeasedJob.Pending(j -> JobTransitions.failed(j, JobTransitions.now(),
        JobFailure.newBuilder().setMessage("from a host that lost its lease").build()), true);
    boolean written = database.transaction(c -> LeaseRows.write(c, submitted.getId(), first.token(), List.of(stale)));
    assertFalse(written, "the host that lost the lease may not write");
    assertEquals(Map.of(second.token(), false), database.transaction(c -> LeaseRows.renew(c, "host-b",
        List.of(second.token()), Duration.ofMinutes(1))));
    Job stored = database.transaction(c -> JobRows.find(c, submitted.getId())).orElseThrow().job();
    assertEquals(resumed, stored, "the stale write changed nothing");
  }
}
