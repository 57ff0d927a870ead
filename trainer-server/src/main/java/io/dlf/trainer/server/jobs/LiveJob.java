package io.dlf.trainer.server.jobs;

import io.dlf.proto.trainer.v1.Job;
import io.dlf.proto.trainer.v1.JobEvent;
import io.dlf.proto.trainer.v1.JobState;
import io.dlf.server.GrpcErrors;
import io.dlf.trainer.server.devices.Device;
import io.dlf.trainer.server.store.JobStore;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One job as it lives in an embedded trainer: its record, the clients watching it, and whether a
 * cancel was asked for. Every change goes through here under one lock: the record is updated, stored
 * when the change must survive a restart (everything but progress), and sent to the watchers in the
 * order it happened.
 */
public final class LiveJob extends JobRecord {
  private static final Logger LOG = Logger.getLogger(LiveJob.class.getName());

  private final String id;
  private final JobStore store;
  private final List<JobWatcher> watchers = new ArrayList<>();
  private Job job;
  private volatile boolean cancelRequested;

  LiveJob(Job job, JobStore store) {
    this.id = job.getId();
    this.job = job;
    this.store = store;
    this.cancelRequested = job.getState() == JobState.CANCELLING;
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public synchronized Job snapshot() {
    return job;
  }

  @Override
  public boolean cancelRequested() {
    return cancelRequested;
  }

  /** A cancel that came first makes the job CANCELLED instead. */
  @Override
  public synchronized boolean start(Device device) {
    if (cancelRequested) {
      cancelled("cancelled before it started");
      return false;
    }
    apply(j -> JobTransitions.start(j, JobTransitions.now(), device, ""), true);
    return true;
  }

  /**
   * Queues the export of a job that failed at export again; a job whose retry already waits or runs
   * stays as it is.
   *
   * @return whether the job was queued now: the caller then schedules it
   * @throws StatusRuntimeException FAILED_PRECONDITION if the job has no trained model to export
   */
  synchronized boolean retryExport() {
    Job before = job;
    apply(j -> JobTransitions.retryExport(j, JobTransitions.now()), true);
    return job != before;
  }

  /**
   * Asks the job to stop. A job still waiting ({@code takeOutOfQueue} succeeds) is cancelled at
   * once; a running one goes to CANCELLING and stops at its next step.
   *
   * @throws StatusRuntimeException FAILED_PRECONDITION if the job already ended
   */
  synchronized Job cancel(BooleanSupplier takeOutOfQueue) {
    JobTransitions.checkCancellable(job);
    if (job.getState() != JobState.CANCELLING) {
      cancelRequested = true;
      boolean dequeued = job.getState() == JobState.QUEUED && takeOutOfQueue.getAsBoolean();
      apply(j -> JobTransitions.cancel(j, JobTransitions.now(), dequeued), true);
    }
    return job;
  }

  /** Sends the job as it stands, then every change until it ends. */
  synchronized void watch(ServerCallStreamObserver<JobEvent> stream) {
    JobWatcher watcher = new JobWatcher(stream);
    stream.setOnCancelHandler(() -> forget(watcher));
    watcher.send(JobEvent.newBuilder().setJobId(id).setTime(JobTransitions.now()).setSnapshot(job).build(), false);
    if (JobTransitions.terminal(job.getState())) {
      watcher.complete();
    } else {
      watchers.add(watcher);
    }
  }

  /** Ends every watch with UNAVAILABLE: the trainer is going away, the job is not. */
  synchronized void disconnectWatchers(String why) {
    StatusRuntimeException status = GrpcErrors.unavailable(why, Duration.ofSeconds(5));
    watchers.forEach(w -> w.fail(status));
    watchers.clear();
  }

  private synchronized void forget(JobWatcher watcher) {
    watchers.remove(watcher);
  }

  @Override
  protected synchronized void apply(Function<Job, JobChange> change, boolean durable) {
    JobChange changed = change.apply(job);
    job = changed.job();
    if (durable) {
      persist();
    }
    watchers.removeIf(w -> !w.open());
    for (JobEvent event : changed.events()) {
      watchers.forEach(w -> w.send(event, JobTransitions.isProgress(event)));
    }
    if (JobTransitions.terminal(job.getState())) {
      watchers.forEach(JobWatcher::complete);
      watchers.clear();
    }
  }

  private void persist() {
    try {
      store.save(job);
    } catch (IOException e) {
      // The job goes on; after a restart it resumes from its last stored state.
      LOG.log(Level.SEVERE, "could not store job " + id() + " (" + job.getState() + ")", e);
    }
  }
}
