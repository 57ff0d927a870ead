package io.dlf.trainer.server.postgres;

import com.google.protobuf.Timestamp;
import com.google.protobuf.util.Timestamps;
import io.dlf.proto.trainer.v1.Job;
import io.dlf.proto.trainer.v1.JobAttempt;
import io.dlf.proto.trainer.v1.JobEvent;
import io.dlf.proto.trainer.v1.JobState;
import io.dlf.trainer.server.jobs.JobChange;
import io.dlf.trainer.server.jobs.JobTransitions;
import io.dlf.trainer.server.scheduling.JobScheduler.FreeSlots;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The queue as worker hosts use it: leasing the oldest queued job of a device kind that fits a
 * device's free slots (skipping rows other hosts have locked), renewing leases, writing a leased
 * job's changes under its lease token, handing jobs whose lease expired back to the queue, and the
 * hosts' own rows. Times are the database's, so hosts with skewed clocks agree on what expired.
 */
final class LeaseRows {
  /** Jobs a reaper hands back per transaction. */
  private static final int REAP_BATCH = 16;

  private LeaseRows() {}

  /** A lease just taken: the job as it started, its token, how long it had waited, and the slots it takes. */
  record Lease(Job job, long token, Duration waited, int slots) {}

  /**
   * Leases the oldest job queued for {@code room}'s device kind that takes at most {@code reach}
   * slots, and starts it on that device of {@code host}. {@code reach} is the device's free slots,
   * plus, for a host that shares cluster jobs' tasks, those the other sharing hosts have free. A
   * younger job may pass an older one that needs more slots than that (a cluster job) only while that
   * one has waited less than {@code backfillLimit}: after that, a host whose device could hold it
   * leases nothing younger of the kind, so that its slots free up for it rather than go to a stream
   * of smaller jobs.
   */
  static Optional<Lease> lease(Connection connection, FreeSlots room, int reach, String host, Duration timeout,
      Duration backfillLimit) throws SQLException {
    StoredJob stored;
    Duration waited;
    int slots;
    try (PreparedStatement select = connection.prepareStatement("SELECT " + JobRows.COLUMNS + ", slots, "
        + "(extract(epoch FROM now() - queued_at) * 1000)::bigint AS waited_millis FROM jobs "
        + "WHERE state = 'QUEUED' AND device_kind = ? AND slots <= ? AND NOT EXISTS (SELECT 1 FROM jobs older "
        + "WHERE older.state = 'QUEUED' AND older.device_kind = jobs.device_kind AND older.seq < jobs.seq "
        + "AND older.slots > ? AND older.slots <= ? AND older.queued_at <= now() - ? * interval '1 millisecond') "
        + "ORDER BY seq LIMIT 1 FOR UPDATE OF jobs SKIP LOCKED")) {
      select.setString(1, room.device().kind().name());
      select.setInt(2, reach);
      select.setInt(3, reach);
      select.setInt(4, room.capacity());
      select.setLong(5, backfillLimit.toMillis());
      try (ResultSet row = select.executeQuery()) {
        if (!row.next()) {
          return Optional.empty();
        }
        stored = JobRows.read(row);
        waited = Duration.ofMillis(row.getLong("waited_millis"));
        slots = row.getInt("slots");
      }
    }
    JobChange started = JobTransitions.start(stored.job(), JobTransitions.now(), room.device(), host);
    JobRows.write(connection, stored, started);
    try (PreparedStatement claim = connection.prepareStatement("UPDATE jobs SET lease_owner = ?, "
        + "lease_token = nextval('lease_tokens'), lease_expires = now() + ? * interval '1 millisecond' "
        + "WHERE id = ? RETURNING lease_token")) {
      claim.setString(1, host);
      claim.setLong(2, timeout.toMillis());
      claim.setString(3, stored.job().getId());
      try (ResultSet row = claim.executeQuery()) {
        row.next();
        return Optional.of(new Lease(started.job(), row.getLong(1), waited, slots));
      }
    }
  }

  /**
   * Extends the leases {@code host} holds with {@code tokens}; returns, for each lease it still
   * holds, whether its job is CANCELLING. A token missing from the answer is a lost lease.
   */
  static Map<Long, Boolean> renew(Connection connection, String host, List<Long> tokens, Duration timeout)
      throws SQLException {
    Map<Long, Boolean> held = new HashMap<>();
    if (tokens.isEmpty()) {
      return held;
    }
    try (PreparedStatement renew = connection.prepareStatement("UPDATE jobs SET lease_expires = now() + ? * "
        + "interval '1 millisecond' WHERE lease_owner = ? AND lease_token = ANY(?::bigint[]) "
        + "RETURNING lease_token, state")) {
      renew.setLong(1, timeout.toMillis());
      renew.setString(2, host);
      renew.setArray(3, connection.createArrayOf("bigint", tokens.toArray()));
      try (ResultSet rows = renew.executeQuery()) {
        while (rows.next()) {
          held.put(rows.getLong(1), JobState.CANCELLING.name().equals(rows.getString(2)));
        }
      }
    }
    return held;
  }

  /**
   * Applies a leased job's pending changes, in order, to the row as it stands (which may hold a
   * cancel since); false, writing nothing, if the lease is no longer {@code token}.
   */
  static boolean write(Connection connection, String jobId, long token, List<LeasedJob.Pending> changes)
      throws SQLException {
    Optional<StoredJob> stored = JobRows.lock(connection, jobId);
    if (stored.isEmpty() || !stored.get().leasedWith(token)) {
      return false;
    }
    Job job = stored.get().job();
    List<JobEvent> events = new ArrayList<>();
    for (LeasedJob.Pending pending : changes) {
      JobChange change = pending.change().apply(job);
      job = change.job();
      events.addAll(change.events());
    }
    JobRows.write(connection, stored.get(), new JobChange(job, events));
    return true;
  }

  /**
   * Hands jobs whose lease expired back to the queue (a job being cancelled is cancelled instead);
   * returns how many.
   */
  static int reapExpired(Connection connection) throws SQLException {
    List<StoredJob> expired = new ArrayList<>();
    List<Timestamp> expiries = new ArrayList<>();
    try (PreparedStatement select = connection.prepareStatement("SELECT " + JobRows.COLUMNS + ", lease_expires "
        + "FROM jobs WHERE lease_owner IS NOT NULL AND lease_expires < now() ORDER BY lease_expires LIMIT ? "
        + "FOR UPDATE SKIP LOCKED")) {
      select.setInt(1, REAP_BATCH);
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          expired.add(JobRows.read(rows));
          expiries.add(Timestamps.fromMillis(rows.getTimestamp("lease_expires").getTime()));
        }
      }
    }
    for (int i = 0; i < expired.size(); i++) {
      StoredJob stored = expired.get(i);
      String cause = "the lease of worker host " + stored.leaseOwner() + " expired at "
          + Timestamps.toString(expiries.get(i)) + " (no heartbeat: the host died, hung or lost the database)";
      Timestamp now = JobTransitions.now();
      JobChange change = stored.job().getState() == JobState.CANCELLING
          ? JobTransitions.cancelled(stored.job(), now, "cancelled; " + cause)
          : JobTransitions.requeue(stored.job(), now, cause + "; the job resumes from its last checkpoint on "
              + "another host", JobAttempt.End.LEASE_EXPIRED, cause, "");
      JobRows.write(connection, stored, change);
    }
    return expired.size();
  }

  /**
   * Says this host is up until {@code ttl} from now, with its slots, those free now, and the address
   * of its tasks when it shares cluster jobs' tasks.
   */
  static void registerHost(Connection connection, String host, HostCapacity capacity, Optional<String> clusterAddress,
      Duration ttl) throws SQLException {
    try (PreparedStatement upsert = connection.prepareStatement("INSERT INTO worker_hosts (name, cpu_slots, "
        + "gpu_slots, free_cpu_slots, free_gpu_slots, cluster_address, expires) VALUES (?, ?, ?, ?, ?, ?, "
        + "now() + ? * interval '1 millisecond') ON CONFLICT (name) DO UPDATE SET cpu_slots = excluded.cpu_slots, "
        + "gpu_slots = excluded.gpu_slots, free_cpu_slots = excluded.free_cpu_slots, "
        + "free_gpu_slots = excluded.free_gpu_slots, cluster_address = excluded.cluster_address, "
        + "expires = excluded.expires")) {
      upsert.setString(1, host);
      upsert.setInt(2, capacity.cpuSlots());
      upsert.setInt(3, capacity.gpuSlots());
      upsert.setInt(4, capacity.freeCpuSlots());
      upsert.setInt(5, capacity.freeGpuSlots());
      upsert.setString(6, clusterAddress.orElse(null));
      upsert.setLong(7, ttl.toMillis());
      upsert.executeUpdate();
    }
  }

  /** A host's job slots per device kind, and how many of them are free. */
  record HostCapacity(int cpuSlots, int gpuSlots, int freeCpuSlots, int freeGpuSlots) {}

  static void removeHost(Connection connection, String host) throws SQLException {
    try (PreparedStatement delete = connection.prepareStatement("DELETE FROM worker_hosts WHERE name = ?")) {
      delete.setString(1, host);
      delete.executeUpdate();
    }
  }
}
