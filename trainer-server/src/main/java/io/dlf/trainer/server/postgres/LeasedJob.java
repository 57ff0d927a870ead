package io.dlf.trainer.server.postgres;

import io.dlf.proto.train.v1.ClusterPlacement;
import io.dlf.proto.trainer.v1.Job;
import io.dlf.proto.trainer.v1.JobState;
import io.dlf.trainer.server.devices.Device;
import io.dlf.trainer.server.jobs.JobChange;
import io.dlf.trainer.server.jobs.JobRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * A job this worker host leased: a copy of its record for the code running it, and the changes its
 * worker reported that the database does not have yet. The host's journal writes them in order,
 * fenced by the lease token; while the database is away they wait here (the job trains on), and a
 * job whose lease was lost takes no more changes.
 */
final class LeasedJob extends JobRecord {
  /** A change not yet written; progress ({@code durable} false) replaces progress that is still waiting. */
  record Pending(Function<Job, JobChange> change, boolean durable) {}

  private final String id;
  private final long token;
  private final Runnable changed;
  private final List<Pending> pending = new ArrayList<>();
  private Job job;
  private int writing;
  private volatile boolean cancelRequested;
  private volatile boolean lost;
  private volatile ClusterPlacement placement;

  /**
   * @param job the record as leased (RUNNING: the lease started it)
   * @param token the lease's token
   * @param changed called after each change, to wake the journal
   */
  LeasedJob(Job job, long token, Runnable changed) {
    this.id = job.getId();
    this.token = token;
    this.changed = changed;
    this.job = job;
  }

  @Override
  public String id() {
    return id;
  }

  long token() {
    return token;
  }

  @Override
  public synchronized Job snapshot() {
    return job;
  }

  @Override
  public boolean cancelRequested() {
    return cancelRequested;
  }

  /** The heartbeat found the job CANCELLING. */
  void requestCancel() {
    cancelRequested = true;
  }

  /** The lease went to another host, or was released: this host may no longer change the job. */
  synchronized void lose() {
    lost = true;
    pending.clear();
  }

  boolean lost() {
    return lost;
  }

  /** Its cluster's tasks are spread over several hosts, at these addresses. */
  void place(ClusterPlacement spread) {
    placement = spread;
  }

  @Override
  public Optional<ClusterPlacement> clusterPlacement() {
    return Optional.ofNullable(placement);
  }

  /** The lease transaction already moved the job to RUNNING. */
  @Override
  public boolean start(Device device) {
    return true;
  }

  @Override
  protected void apply(Function<Job, JobChange> change, boolean durable) {
    synchronized (this) {
      if (lost) {
        return;
      }
      job = change.apply(job).job();
      int last = pending.size() - 1;
      if (!durable && last >= writing && !pending.get(last).durable()) {
        pending.set(last, new Pending(change, false));
      } else {
        pending.add(new Pending(change, durable));
      }
    }
    changed.run();
  }

  /** The changes to write now; they stay pending until {@link #written} (or lost). */
  synchronized List<Pending> toWrite() {
    writing = pending.size();
    return List.copyOf(pending);
  }

  /** The first {@code count} pending changes are in the database. */
  synchronized void written(int count) {
    pending.subList(0, Math.min(count, pending.size())).clear();
    writing = 0;
  }

  /** A write failed: the changes stay pending for the next try. */
  synchronized void notWritten() {
    writing = 0;
  }

  /** Whether the host still holds the job: it runs, or has changes the database does not have yet. */
  synchronized boolean held() {
    return !lost && (!pending.isEmpty() || job.getState() == JobState.RUNNING || job.getState() == JobState.CANCELLING);
  }
}
