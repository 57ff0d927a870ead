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
import io.dlf.trainer.server.scheduling.JobScheduler.FreeSlots;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The queue's rows on a real PostgreSQL (a fresh database per test): a lease that expired goes back
 * to the queue with the attempt recorded as LEASE_EXPIRED, and the host that held it can neither
 * renew it nor write over the job once another host leased it (fencing by lease token). A cluster
 * job is leased only by a host with as many free slots as it has tasks; younger single jobs pass it
 * until it has waited the backfill limit. A host that shares tasks leases a cluster job counting on
 * other hosts' free slots; each of its open tasks is claimed by one host, while its attempt runs.
 */
@Tag("e2e")
class LeaseRowsTest {
  private static final Device CPU = new Device("/device:CPU:0", DeviceKind.CPU, 0);
  private static final FreeSlots ONE_SLOT = new FreeSlots(CPU, 1, 1);
  private static final Duration BACKFILL = Duration.ofMinutes(10);
  @TempDir
  static Path dir;
  private static TestPostgres postgres;
  private JobDatabase database;

  @BeforeAll
  static void start() throws Exception {
    postgres = TestPostgres.start(dir.resolve("data"));
  }

  @AfterAll
  static void stop() throws Exception {
    postgres.close();
  }

  @BeforeEach
  void openDatabase() throws Exception {
    database = JobDatabase.open(new DatabaseSettings(postgres.createDatabase(), TestPostgres.user(), ""), "test");
  }

  @AfterEach
  void closeDatabase() {
    database.close();
  }

  @Test
  void aHostWhoseLeaseExpiredCannotWriteOverTheJob() throws Exception {
    Job submitted = queue("job-1", 1);

    LeaseRows.Lease first = lease(ONE_SLOT, "host-a", Duration.ofMillis(1), BACKFILL).orElseThrow();
    assertEquals(JobState.RUNNING, first.job().getState());
    assertEquals("host-a", first.job().getAttemptHistory(0).getHost());
    assertTrue(lease(ONE_SLOT, "host-b", Duration.ofMinutes(1), BACKFILL).isEmpty(),
        "a running job is not leased twice");
    Thread.sleep(5); // the 1 ms lease is over by the database's clock
    assertEquals(1, database.transaction(LeaseRows::reapExpired));
    LeaseRows.Lease second = lease(ONE_SLOT, "host-b", Duration.ofMinutes(1), BACKFILL).orElseThrow();

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

  @Test
  void aClusterJobWaitsForItsSlotsAndYoungerJobsPassItOnlyUntilTheBackfillLimit() throws Exception {
    queue("cluster", 4);
    queue("single-1", 1);
    queue("single-2", 1);

    // host-a's CPU has 4 slots, one held by a job already running: the cluster job's 4 tasks do not fit
    LeaseRows.Lease passing = lease(new FreeSlots(CPU, 3, 4), "host-a", Duration.ofMinutes(1), BACKFILL)
        .orElseThrow();
    assertEquals("single-1", passing.job().getId(), "a younger single job passes the cluster job");
    assertEquals(1, passing.slots());
    assertEquals(Optional.empty(), lease(new FreeSlots(CPU, 2, 4), "host-a", Duration.ofMinutes(1), Duration.ZERO),
        "the cluster job waited longer than the backfill limit: host-a keeps its freeing slots for it");
    assertEquals("single-2", lease(new FreeSlots(CPU, 2, 2), "host-b", Duration.ofMinutes(1), Duration.ZERO)
        .orElseThrow().job().getId(), "a host too small for the cluster job is not held up by it");

    LeaseRows.Lease cluster = lease(new FreeSlots(CPU, 4, 4), "host-a", Duration.ofMinutes(1), BACKFILL)
        .orElseThrow();
    assertEquals("cluster", cluster.job().getId());
    assertEquals(4, cluster.slots(), "the lease holds a slot for each task");
  }

  @Test
  void aSpreadClusterJobsOpenTasksAreClaimedOnceEachWhileItsAttemptRuns() throws Exception {
    queue("cluster", 4);
    FreeSlots twoFree = new FreeSlots(CPU, 2, 2);
    assertEquals(Optional.empty(), lease(twoFree, "host-a", Duration.ofMinutes(1), BACKFILL), "alone it cannot");
    LeaseRows.Lease lease = database.transaction(c -> LeaseRows.lease(c, twoFree, 4, "host-a", Duration.ofMinutes(1),
        BACKFILL)).orElseThrow();
    assertEquals(4, lease.slots(), "leased counting on 2 slots free on other hosts");
    database.transaction(c -> {
      TaskRows.open(c, "cluster", lease.token(), DeviceKind.CPU, "host-a",
          Map.of("worker:0", "10.0.0.1:4000", "worker:1", "10.0.0.1:4001"), List.of("ps:0", "ps:1"));
      return null;
    });

    assertEquals(Optional.empty(), claim("host-a", "10.0.0.1:4002"), "the leasing host's chief starts its own tasks");
    assertEquals(new TaskRows.ClaimedTask("cluster", lease.token(), "ps:0", "10.0.0.2:5000"),
        claim("host-b", "10.0.0.2:5000").orElseThrow());
    assertEquals("ps:1", claim("host-c", "10.0.0.3:5000").orElseThrow().task());
    assertEquals(Optional.empty(), claim("host-b", "10.0.0.2:5001"), "every task is claimed once");
    assertEquals(List.of(new TaskRows.TaskRow("ps:0", "host-b", "10.0.0.2:5000"),
        new TaskRows.TaskRow("ps:1", "host-c", "10.0.0.3:5000"), new TaskRows.TaskRow("worker:0", "host-a",
        "10.0.0.1:4000"), new TaskRows.TaskRow("worker:1", "host-a", "10.0.0.1:4001")),
        database.transaction(c -> TaskRows.ofRunningAttempt(c, "cluster", lease.token())).orElseThrow());

    database.transaction(c -> {
      TaskRows.close(c, "cluster", lease.token());
      return null;
    });
    assertEquals(Optional.empty(), database.transaction(c -> TaskRows.ofRunningAttempt(c, "cluster",
        lease.token())), "the attempt ended: its hosts stop its tasks");
  }

  private Optional<TaskRows.ClaimedTask> claim(String host, String address) throws SQLException {
    return database.transaction(c -> TaskRows.claim(c, DeviceKind.CPU, host, address));
  }

  private Optional<LeaseRows.Lease> lease(FreeSlots room, String host, Duration timeout, Duration backfill)
      throws SQLException {
    return database.transaction(c -> LeaseRows.lease(c, room, room.free(), host, timeout, backfill));
  }

  /** Queues a job taking {@code slots} CPU slots, as a control plane stores it. */
  private Job queue(String id, int slots) throws SQLException {
    Job job = JobTransitions.submitted(id, SubmitJobRequest.getDefaultInstance(), "", "m", DeviceKind.CPU,
        JobTransitions.now());
    database.transaction(connection -> {
      try (PreparedStatement insert = connection.prepareStatement("INSERT INTO jobs (id, state, device_kind, slots, "
          + "created_nanos, job) VALUES (?, 'QUEUED', 'CPU', ?, ?, ?)")) {
        insert.setString(1, id);
        insert.setInt(2, slots);
        insert.setLong(3, Timestamps.toNanos(job.getCreateTime()));
        insert.setBytes(4, job.toByteArray());
        insert.executeUpdate();
      }
      return null;
    });
    return job;
  }
}
