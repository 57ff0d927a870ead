package io.dlf.trainer.server.postgres;

import io.dlf.trainer.server.devices.DeviceKind;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/** Jobs waiting (in all and of one device kind) and running on that kind. */
record QueueDepth(long queued, long queuedOfKind, long runningOfKind) {

  /**
   * As an embedded trainer decides: a new job is accepted if it would start at once (its kind has a
   * free slot on the hosts that are up) or finds room among the jobs that wait. Jobs of its kind
   * that free slots will take at once do not wait; they are queued only until a host leases them.
   */
  boolean canAccept(long slotsOfKind, int capacity) {
    long free = Math.max(0, slotsOfKind - runningOfKind);
    long waiting = queued - Math.min(queuedOfKind, free);
    return queuedOfKind < free || waiting < capacity;
  }

  static QueueDepth of(Connection connection, DeviceKind kind) throws SQLException {
    try (PreparedStatement select = connection.prepareStatement("SELECT count(*) FILTER (WHERE state = 'QUEUED'), "
        + "count(*) FILTER (WHERE state = 'QUEUED' AND device_kind = ?), "
        + "count(*) FILTER (WHERE state IN ('RUNNING', 'CANCELLING') AND device_kind = ?) "
        + "FROM jobs WHERE state IN ('QUEUED', 'RUNNING', 'CANCELLING')")) {
      select.setString(1, kind.name());
      select.setString(2, kind.name());
      try (ResultSet row = select.executeQuery()) {
        row.next();
        return new QueueDepth(row.getLong(1), row.getLong(2), row.getLong(3));
      }
    }
  }
}
