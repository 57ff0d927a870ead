package io.dlf.trainer.server.postgres;

import com.google.inject.Inject;
import com.google.inject.Singleton;
import com.google.protobuf.InvalidProtocolBufferException;
import io.dlf.proto.trainer.v1.JobEvent;
import io.dlf.server.GrpcErrors;
import io.dlf.server.NamedThreads;
import io.dlf.trainer.server.TrainerServerConfig;
import io.dlf.trainer.server.jobs.JobTransitions;
import io.dlf.trainer.server.jobs.JobWatcher;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * WatchJob over the shared database: whichever host runs a job writes its events to
 * {@code job_events}; this control plane polls for the events of the jobs its clients watch (one
 * query for all of them) and sends them on, until each job ends. While the database is away the
 * watches wait; they carry on where they were when it is back.
 */
@Singleton
final class JobEventFeed {
  private static final Logger LOG = Logger.getLogger(JobEventFeed.class.getName());

  /** One watch: its job, and the last event it was sent. */
  private static final class Follower {
    final String jobId;
    final JobWatcher watcher;
    long after;

    Follower(String jobId, JobWatcher watcher, long after) {
      this.jobId = jobId;
      this.watcher = watcher;
      this.after = after;
    }
  }

  private final JobDatabase database;
  private final Duration pollInterval;
  private final List<Follower> followers = new ArrayList<>();
  private final ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor(
      NamedThreads.daemon("job-event-feed"));
  private boolean unreachable;

  @Inject
  JobEventFeed(JobDatabase database, TrainerServerConfig config) {
    this.database = database;
    this.pollInterval = config.cluster().orElseThrow().pollInterval();
  }

  void start() {
    poller.scheduleWithFixedDelay(this::poll, pollInterval.toMillis(), pollInterval.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Sends the job as stored, then every event after it until the job ends. */
  synchronized void follow(StoredJob stored, ServerCallStreamObserver<JobEvent> stream) {
    Follower follower = new Follower(stored.job().getId(), new JobWatcher(stream), stored.lastEventSeq());
    stream.setOnCancelHandler(() -> forget(follower));
    follower.watcher.send(JobEvent.newBuilder().setJobId(follower.jobId).setTime(JobTransitions.now())
        .setSnapshot(stored.job()).build(), false);
    if (JobTransitions.terminal(stored.job().getState())) {
      follower.watcher.complete();
    } else {
      followers.add(follower);
    }
  }

  /** Ends every watch with UNAVAILABLE and stops polling. */
  synchronized void disconnectAll(String why) {
    poller.shutdownNow();
    StatusRuntimeException status = GrpcErrors.unavailable(why, Duration.ofSeconds(5));
    followers.forEach(f -> f.watcher.fail(status));
    followers.clear();
  }

  private synchronized void forget(Follower follower) {
    followers.remove(follower);
  }

  /** Never throws: an exception would end the scheduled polling. */
  private void poll() {
    try {
      pollOnce();
    } catch (RuntimeException e) {
      LOG.log(Level.SEVERE, "following watched jobs failed; trying again", e);
    }
  }

  private void pollOnce() {
    Map<String, Long> after = new HashMap<>();
    synchronized (this) {
      followers.removeIf(f -> !f.watcher.open());
      followers.forEach(f -> after.merge(f.jobId, f.after, Math::min));
    }
    if (after.isEmpty()) {
      return;
    }
    List<StoredEvent> events;
    try {
      events = database.transaction(connection -> read(connection, after));
    } catch (SQLException e) {
      logOutage(e);
      return;
    }
    logBack();
    synchronized (this) {
      for (StoredEvent stored : events) {
        deliver(stored);
      }
    }
  }

  private void deliver(StoredEvent stored) {
    boolean ends = stored.event().hasStateChanged()
        && JobTransitions.terminal(stored.event().getStateChanged().getState());
    followers.removeIf(f -> {
      if (!f.jobId.equals(stored.jobId()) || f.after >= stored.seq()) {
        return false;
      }
      f.after = stored.seq();
      f.watcher.send(stored.event(), JobTransitions.isProgress(stored.event()));
      if (ends) {
        f.watcher.complete();
      }
      return ends;
    });
  }

  private record StoredEvent(String jobId, long seq, JobEvent event) {}

  private static List<StoredEvent> read(Connection connection, Map<String, Long> after) throws SQLException {
    List<String> ids = new ArrayList<>(after.keySet());
    Array jobIds = connection.createArrayOf("text", ids.toArray());
    Array afterSeqs = connection.createArrayOf("bigint", ids.stream().map(after::get).toArray());
    try (PreparedStatement select = connection.prepareStatement("SELECT e.job_id, e.seq, e.event FROM job_events e "
        + "JOIN unnest(?::text[], ?::bigint[]) AS w(id, after_seq) ON e.job_id = w.id AND e.seq > w.after_seq "
        + "ORDER BY e.seq")) {
      select.setArray(1, jobIds);
      select.setArray(2, afterSeqs);
      List<StoredEvent> events = new ArrayList<>();
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          events.add(new StoredEvent(rows.getString(1), rows.getLong(2), parse(rows.getBytes(3))));
        }
      }
      return events;
    }
  }

  private static JobEvent parse(byte[] bytes) throws SQLException {
    try {
      return JobEvent.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new SQLException("a job_events row does not hold a dlf.trainer.v1.JobEvent: " + e.getMessage(), e);
    }
  }

  private synchronized void logOutage(SQLException e) {
    if (!unreachable) {
      unreachable = true;
      LOG.log(Level.WARNING, "watches wait: the job database " + database.settings().describe()
          + " cannot be reached (" + JobDatabase.rootMessage(e) + ")");
    }
  }

  private synchronized void logBack() {
    if (unreachable) {
      unreachable = false;
      LOG.info("watches carry on: the job database is back");
    }
  }
}
