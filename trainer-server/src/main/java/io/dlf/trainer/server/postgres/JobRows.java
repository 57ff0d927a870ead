package io.dlf.trainer.server.postgres;

import com.google.protobuf.InvalidProtocolBufferException;
import io.dlf.proto.trainer.v1.Job;
import io.dlf.proto.trainer.v1.JobEvent;
import io.dlf.proto.trainer.v1.JobState;
import io.dlf.trainer.server.devices.DeviceKind;
import io.dlf.trainer.server.jobs.JobChange;
import io.dlf.trainer.server.jobs.JobTransitions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/** Reads a job's row and writes a change to it: the record, its events, and what the change does to its lease. */
final class JobRows {
  static final String COLUMNS = "job, lease_owner, lease_token, last_event_seq";

  private JobRows() {}

  static Optional<StoredJob> find(Connection connection, String id) throws SQLException {
    return select(connection, "SELECT " + COLUMNS + " FROM jobs WHERE id = ?", id);
  }

  /** Reads the row and locks it until the transaction ends (a host's write or a cancel waits). */
  static Optional<StoredJob> lock(Connection connection, String id) throws SQLException {
    return select(connection, "SELECT " + COLUMNS + " FROM jobs WHERE id = ? FOR UPDATE", id);
  }

  static StoredJob read(ResultSet row) throws SQLException {
    return new StoredJob(parse(row.getBytes("job")), row.getString("lease_owner"), row.getLong("lease_token"),
        row.getLong("last_event_seq"));
  }

  static Job parse(byte[] bytes) throws SQLException {
    try {
      return Job.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new SQLException("a job row does not hold a dlf.trainer.v1.Job: " + e.getMessage(), e);
    }
  }

  /**
   * Writes {@code change} over {@code before}: its events in order (a progress event replaces the
   * job's earlier ones), the record and its state. A job that is no longer RUNNING or CANCELLING
   * gives up its lease; one that entered QUEUED starts its queue wait now.
   */
  static void write(Connection connection, StoredJob before, JobChange change) throws SQLException {
    String id = change.job().getId();
    long last = before.lastEventSeq();
    for (JobEvent event : change.events()) {
      last = insertEvent(connection, id, event);
    }
    JobState state = change.job().getState();
    boolean active = state == JobState.RUNNING || state == JobState.CANCELLING;
    boolean requeued = state == JobState.QUEUED && before.job().getState() != JobState.QUEUED;
    try (PreparedStatement update = connection.prepareStatement("UPDATE jobs SET job = ?, state = ?, "
        + "last_event_seq = ?, lease_owner = CASE WHEN ? THEN lease_owner END, "
        + "lease_expires = CASE WHEN ? THEN lease_expires END, "
        + "queued_at = CASE WHEN ? THEN now() ELSE queued_at END WHERE id = ?")) {
      update.setBytes(1, change.job().toByteArray());
      update.setString(2, state.name());
      update.setLong(3, last);
      update.setBoolean(4, active);
      update.setBoolean(5, active);
      update.setBoolean(6, requeued);
      update.setString(7, id);
      update.executeUpdate();
    }
  }

  /**
   * The job waits for one CPU slot from now on: only its export is left, which runs on the CPU in
   * one process (a cluster job's tasks are done).
   */
  static void queueForExport(Connection connection, String id) throws SQLException {
    try (PreparedStatement update = connection.prepareStatement("UPDATE jobs SET device_kind = ?, slots = 1 "
        + "WHERE id = ?")) {
      update.setString(1, DeviceKind.CPU.name());
      update.setString(2, id);
      update.executeUpdate();
    }
  }

  private static long insertEvent(Connection connection, String id, JobEvent event) throws SQLException {
    long seq;
    try (PreparedStatement insert = connection.prepareStatement(
        "INSERT INTO job_events (job_id, progress, event) VALUES (?, ?, ?) RETURNING seq")) {
      insert.setString(1, id);
      insert.setBoolean(2, JobTransitions.isProgress(event));
      insert.setBytes(3, event.toByteArray());
      try (ResultSet row = insert.executeQuery()) {
        row.next();
        seq = row.getLong(1);
      }
    }
    if (JobTransitions.isProgress(event)) {
      // Progress supersedes progress: a watcher that has not read the older ones would drop them anyway.
      try (PreparedStatement prune = connection.prepareStatement(
          "DELETE FROM job_events WHERE job_id = ? AND progress AND seq < ?")) {
        prune.setString(1, id);
        prune.setLong(2, seq);
        prune.executeUpdate();
      }
    }
    return seq;
  }

  private static Optional<StoredJob> select(Connection connection, String sql, String id) throws SQLException {
    try (PreparedStatement select = connection.prepareStatement(sql)) {
      select.setString(1, id);
      try (ResultSet row = select.executeQuery()) {
        return row.next() ? Optional.of(read(row)) : Optional.empty();
      }
    }
  }
}
