package io.dlf.trainer.server.postgres;

import io.dlf.trainer.server.devices.DeviceKind;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The rows of cluster jobs' tasks spread over several worker hosts ({@code cluster_tasks}): the
 * leasing host opens them, other sharing hosts claim the open ones, and each host reads them to
 * learn every task's address and whether the attempt still runs.
 */
final class TaskRows {
  private TaskRows() {}

  /** One task of an attempt: "ps:1" or "worker:0", the host running it and its host:port (null until claimed). */
  record TaskRow(String task, String host, String address) {}

  /** A task this host claimed: it runs {@code task} of the attempt of {@code token} of job {@code jobId}. */
  record ClaimedTask(String jobId, long token, String task, String address) {}

  /** The slots of {@code kind} that sharing hosts other than {@code host} had free at their last heartbeat. */
  static int freeElsewhere(Connection connection, DeviceKind kind, String host) throws SQLException {
    String column = kind == DeviceKind.GPU ? "free_gpu_slots" : "free_cpu_slots";
    try (PreparedStatement select = connection.prepareStatement("SELECT coalesce(sum(" + column + "), 0) "
        + "FROM worker_hosts WHERE expires > now() AND cluster_address IS NOT NULL AND name <> ?")) {
      select.setString(1, host);
      try (ResultSet row = select.executeQuery()) {
        row.next();
        return row.getInt(1);
      }
    }
  }

  /**
   * Writes the tasks of the attempt of {@code token}: those in {@code local} run on {@code host} at
   * the given addresses, {@code open} ones wait for another host; rows of the job's earlier attempts go.
   */
  static void open(Connection connection, String jobId, long token, DeviceKind kind, String host,
      Map<String, String> local, List<String> open) throws SQLException {
    try (PreparedStatement delete = connection.prepareStatement("DELETE FROM cluster_tasks WHERE job_id = ?")) {
      delete.setString(1, jobId);
      delete.executeUpdate();
    }
    try (PreparedStatement insert = connection.prepareStatement("INSERT INTO cluster_tasks (job_id, lease_token, "
        + "task, device_kind, host, address) VALUES (?, ?, ?, ?, ?, ?)")) {
      for (Map.Entry<String, String> task : local.entrySet()) {
        add(insert, jobId, token, task.getKey(), kind, host, task.getValue());
      }
      for (String task : open) {
        add(insert, jobId, token, task, kind, null, null);
      }
      insert.executeBatch();
    }
  }

  private static void add(PreparedStatement insert, String jobId, long token, String task, DeviceKind kind,
      String host, String address) throws SQLException {
    insert.setString(1, jobId);
    insert.setLong(2, token);
    insert.setString(3, task);
    insert.setString(4, kind.name());
    insert.setString(5, host);
    insert.setString(6, address);
    insert.addBatch();
  }

  /**
   * Claims the oldest running job's open task of {@code kind} for {@code host}, to run at {@code
   * address}; empty if there is none (skipping rows other hosts are claiming). A host does not claim
   * tasks of a job it leased itself: its chief starts those it runs.
   */
  static Optional<ClaimedTask> claim(Connection connection, DeviceKind kind, String host, String address)
      throws SQLException {
    try (PreparedStatement claim = connection.prepareStatement("UPDATE cluster_tasks SET host = ?, address = ? "
        + "WHERE (job_id, lease_token, task) = (SELECT t.job_id, t.lease_token, t.task FROM cluster_tasks t "
        + "JOIN jobs j ON j.id = t.job_id AND j.lease_token = t.lease_token "
        + "WHERE t.host IS NULL AND t.device_kind = ? AND j.state = 'RUNNING' AND j.lease_owner <> ? "
        + "ORDER BY j.seq, t.task LIMIT 1 FOR UPDATE OF t SKIP LOCKED) RETURNING job_id, lease_token, task")) {
      claim.setString(1, host);
      claim.setString(2, address);
      claim.setString(3, kind.name());
      claim.setString(4, host);
      try (ResultSet row = claim.executeQuery()) {
        return row.next() ? Optional.of(new ClaimedTask(row.getString(1), row.getLong(2), row.getString(3), address))
            : Optional.empty();
      }
    }
  }

  /**
   * The tasks of the attempt of {@code token}, while it runs (its job RUNNING or CANCELLING under
   * that lease); empty once it ended.
   */
  static Optional<List<TaskRow>> ofRunningAttempt(Connection connection, String jobId, long token)
      throws SQLException {
    try (PreparedStatement select = connection.prepareStatement("SELECT t.task, t.host, t.address "
        + "FROM cluster_tasks t JOIN jobs j ON j.id = t.job_id AND j.lease_token = t.lease_token "
        + "WHERE t.job_id = ? AND t.lease_token = ? AND j.state IN ('RUNNING', 'CANCELLING') ORDER BY t.task")) {
      select.setString(1, jobId);
      select.setLong(2, token);
      List<TaskRow> tasks = new ArrayList<>();
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          tasks.add(new TaskRow(rows.getString(1), rows.getString(2), rows.getString(3)));
        }
      }
      return tasks.isEmpty() ? Optional.empty() : Optional.of(tasks);
    }
  }

  /** The attempt of {@code token} ended: its tasks' rows go, and the hosts running them stop them. */
  static void close(Connection connection, String jobId, long token) throws SQLException {
    try (PreparedStatement delete = connection.prepareStatement("DELETE FROM cluster_tasks WHERE job_id = ? AND "
        + "lease_token = ?")) {
      delete.setString(1, jobId);
      delete.setLong(2, token);
      delete.executeUpdate();
    }
  }
}
