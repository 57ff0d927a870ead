package io.dlf.trainer.server.postgres;

import com.google.inject.Inject;
import com.google.inject.Singleton;
import io.dlf.proto.trainer.v1.JobState;
import io.dlf.trainer.server.jobs.JobCounts;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.EnumMap;
import java.util.Map;

/** Jobs by state and waiting, over every trainer sharing the database; nothing while it cannot be reached. */
@Singleton
final class PostgresJobCounts implements JobCounts {
  private final JobDatabase database;

  @Inject
  PostgresJobCounts(JobDatabase database) {
    this.database = database;
  }

  @Override
  public Map<JobState, Long> countByState() {
    Map<JobState, Long> counts = new EnumMap<>(JobState.class);
    try {
      database.transaction(connection -> {
        try (PreparedStatement select = connection.prepareStatement("SELECT state, count(*) FROM jobs GROUP BY state");
            ResultSet rows = select.executeQuery()) {
          for (JobState state : JobState.values()) {
            if (state != JobState.JOB_STATE_UNSPECIFIED && state != JobState.UNRECOGNIZED) {
              counts.put(state, 0L);
            }
          }
          while (rows.next()) {
            counts.put(JobState.valueOf(rows.getString(1)), rows.getLong(2));
          }
        }
        return null;
      });
    } catch (SQLException e) {
      return Map.of();
    }
    return counts;
  }

  @Override
  public long queueLength() {
    return countByState().getOrDefault(JobState.QUEUED, -1L);
  }
}
