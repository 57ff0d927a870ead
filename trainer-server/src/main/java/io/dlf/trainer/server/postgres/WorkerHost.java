package io.dlf.trainer.server.postgres;

import com.google.inject.Inject;
import com.google.inject.Singleton;
import io.dlf.server.NamedThreads;
import io.dlf.trainer.server.ClusterSettings;
import io.dlf.trainer.server.TrainerServerConfig;
import io.dlf.trainer.server.devices.DeviceKind;
import io.dlf.trainer.server.jobs.JobExecution;
import io.dlf.trainer.server.jobs.JobRunner;
import io.dlf.trainer.server.scheduling.JobScheduler;
import io.dlf.trainer.server.scheduling.JobScheduler.FreeSlots;
import io.dlf.trainer.server.store.WorkFolders;
import io.dlf.trainer.server.workers.WorkerLauncher;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A worker host: leases queued jobs from the shared database for its free slots and runs each in a
 * worker process (the same {@link JobRunner} an embedded trainer uses), writes what the workers
 * report into the jobs' rows, renews its leases every heartbeat (which also brings cancels), and
 * hands jobs whose lease expired on any host back to the queue. A cluster job takes a slot per task;
 * with {@code --cluster-address} its tasks may be spread over the hosts that share tasks ({@link
 * SharedTasks}). While the database is away,
 * running jobs train on and their changes wait in memory; they are written, in order, once it is back.
 */
@Singleton
public final class WorkerHost implements JobExecution {
  private static final Logger LOG = Logger.getLogger(WorkerHost.class.getName());
  private static final Duration WRITE_RETRY = Duration.ofMillis(500);

  private final JobDatabase database;
  private final JobScheduler scheduler;
  private final JobRunner runner;
  private final LeaseMetrics metrics;
  private final ClusterSettings cluster;
  private final Optional<SharedTasks> sharing;
  private final int cpuSlots;
  private final int gpuSlots;
  private final Map<Long, LeasedJob> held = new ConcurrentHashMap<>();
  private final Object journal = new Object();
  private final ScheduledExecutorService heartbeat = Executors.newSingleThreadScheduledExecutor(
      NamedThreads.daemon("lease-heartbeat"));
  private final DatabaseOutage outage;
  private volatile boolean leasing = true;
  private volatile boolean closed;
  private boolean journalWoken;

  @Inject
  WorkerHost(JobDatabase database, JobScheduler scheduler, JobRunner runner, LeaseMetrics metrics,
      TrainerServerConfig config, WorkerLauncher launcher, WorkFolders folders) {
    this.database = database;
    this.scheduler = scheduler;
    this.runner = runner;
    this.metrics = metrics;
    this.cluster = config.cluster().orElseThrow();
    this.sharing = cluster.clusterAddress().map(address -> new SharedTasks(database, scheduler, launcher, folders,
        cluster));
    this.cpuSlots = slots(scheduler, DeviceKind.CPU);
    this.gpuSlots = slots(scheduler, DeviceKind.GPU);
    this.outage = new DatabaseOutage(LOG, database.settings());
  }

  private static int slots(JobScheduler scheduler, DeviceKind kind) {
    return scheduler.slots().entrySet().stream().filter(e -> e.getKey().kind() == kind)
        .mapToInt(Map.Entry::getValue).sum();
  }

  @Override
  public void start() {
    beat();
    heartbeat.scheduleWithFixedDelay(this::beat, cluster.heartbeatInterval().toMillis(),
        cluster.heartbeatInterval().toMillis(), TimeUnit.MILLISECONDS);
    NamedThreads.daemon("job-leases").newThread(this::leaseLoop).start();
    NamedThreads.daemon("job-journal").newThread(this::journalLoop).start();
    LOG.info(() -> "worker host " + cluster.hostName() + " takes jobs from " + database.settings().describe()
        + " (" + cpuSlots + " CPU and " + gpuSlots + " GPU slots)");
    cluster.clusterAddress().ifPresent(address -> LOG.warning(() -> "worker host " + cluster.hostName()
        + " shares the tasks of cluster jobs with the other worker hosts given --cluster-address; they reach its "
        + "tasks at " + address + ". TensorFlow's task servers listen on every interface and authenticate nobody: "
        + address + " must be on a network only the worker hosts reach"));
  }

  @Override
  public void pauseRunning() {
    leasing = false;
    scheduler.wakeWaiters();
    runner.pauseAll();
  }

  /** Waits for the running jobs to return, then for their last changes to be written. */
  @Override
  public boolean drain(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    boolean returned = scheduler.drain(timeout);
    wakeJournal();
    synchronized (journal) {
      while (held.values().stream().anyMatch(LeasedJob::held) && System.nanoTime() < deadline) {
        try {
          journal.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        }
      }
    }
    boolean written = held.values().stream().noneMatch(LeasedJob::held);
    if (!written) {
      LOG.warning("changes of jobs " + held.values().stream().map(LeasedJob::id).toList() + " could not be written "
          + "before the shutdown; their leases expire and other hosts resume them from their last checkpoints");
    }
    return returned && written;
  }

  @Override
  public void killRunning() {
    runner.killAll();
  }

  /** Stops heartbeats and says this host is gone (its unfinished leases expire). */
  @Override
  public void close() {
    closed = true;
    leasing = false;
    scheduler.wakeWaiters();
    heartbeat.shutdownNow();
    wakeJournal();
    try {
      database.transaction(connection -> {
        LeaseRows.removeHost(connection, cluster.hostName());
        return null;
      });
    } catch (SQLException e) {
      LOG.fine(() -> "could not remove host " + cluster.hostName() + " from the database: " + e.getMessage());
    }
  }

  private void leaseLoop() {
    while (leasing) {
      boolean took = false;
      try {
        took = leaseForFreeSlots();
        outage.over();
      } catch (SQLException e) {
        outage.began("no jobs are leased", e);
      } catch (RuntimeException e) {
        LOG.log(Level.SEVERE, "leasing jobs failed", e);
      }
      if (!took) {
        try {
          scheduler.awaitRelease(cluster.pollInterval());
        } catch (InterruptedException e) {
          return;
        }
      }
    }
  }

  /**
   * Leases jobs while a device has free slots and a queued job fits them (a cluster job takes one
   * slot per task; with {@code --cluster-address}, it may count on other sharing hosts' free slots),
   * then claims open tasks of other hosts' cluster jobs; whether it took any.
   */
  private boolean leaseForFreeSlots() throws SQLException {
    boolean took = false;
    for (DeviceKind kind : DeviceKind.values()) {
      for (Optional<FreeSlots> free = scheduler.freeSlots(kind); free.isPresent() && leasing;
          free = scheduler.freeSlots(kind)) {
        FreeSlots room = free.get();
        Optional<LeaseRows.Lease> lease = database.transaction(connection -> {
          int reach = sharing.isPresent() ? sharing.get().reach(connection, room) : room.free();
          Optional<LeaseRows.Lease> leased = LeaseRows.lease(connection, room, reach, cluster.hostName(),
              cluster.leaseTimeout(), cluster.backfillLimit());
          if (leased.isPresent() && leased.get().slots() > room.free()) {
            sharing.orElseThrow().open(connection, leased.get(), room);
          }
          return leased;
        });
        if (lease.isPresent()) {
          start(lease.get(), room);
        } else if (!claimTask(room)) {
          break;
        }
        took = true;
      }
    }
    return took;
  }

  /** Runs a job just leased on {@code room}'s device; one whose tasks are spread once they all have hosts. */
  private void start(LeaseRows.Lease lease, FreeSlots room) {
    LeasedJob job = new LeasedJob(lease.job(), lease.token(), this::wakeJournal);
    boolean spread = lease.slots() > room.free();
    int slots = Math.min(lease.slots(), room.free());
    held.put(job.token(), job);
    metrics.leased(room.device().kind());
    LOG.info(() -> "leased job " + job.id() + " for " + room.device().name() + " (lease " + job.token()
        + (lease.slots() > 1 ? ", " + slots + " slots for its cluster's tasks" : "")
        + (spread ? ", its " + (lease.slots() - slots) + " other tasks on other worker hosts" : "") + ")");
    scheduler.startNow(job.id(), room.device(), slots, lease.waited(), d -> {
      try {
        if (!spread || sharing.orElseThrow().awaitPlacement(job)) {
          runner.run(job, d);
        }
      } finally {
        if (spread) {
          sharing.orElseThrow().close(job);
        }
        wakeJournal();
      }
    });
  }

  /** Claims an open task of another host's cluster job for a slot of {@code room}; whether there was one. */
  private boolean claimTask(FreeSlots room) throws SQLException {
    if (sharing.isEmpty()) {
      return false;
    }
    Optional<TaskRows.ClaimedTask> task = database.transaction(connection -> sharing.get().claim(connection,
        room.device().kind()));
    task.ifPresent(claimed -> scheduler.startNow("task " + claimed.task() + " of job " + claimed.jobId(),
        room.device(), 1, Duration.ZERO, d -> sharing.get().run(claimed)));
    return task.isPresent();
  }

  /** Never throws: an exception would end the scheduled heartbeats. */
  private void beat() {
    try {
      beatOnce();
    } catch (RuntimeException e) {
      LOG.log(Level.SEVERE, "the lease heartbeat failed; trying again", e);
    }
  }

  /** Renews this host's registration and leases, reads cancels, and hands back expired leases. */
  private void beatOnce() {
    if (closed) {
      return;
    }
    List<Long> tokens = new ArrayList<>(held.keySet());
    Map<Long, Boolean> renewed;
    int reaped;
    try {
      renewed = database.transaction(connection -> {
        LeaseRows.registerHost(connection, cluster.hostName(), new LeaseRows.HostCapacity(cpuSlots, gpuSlots,
            free(DeviceKind.CPU), free(DeviceKind.GPU)), cluster.clusterAddress(), cluster.leaseTimeout());
        return LeaseRows.renew(connection, cluster.hostName(), tokens, cluster.leaseTimeout());
      });
      reaped = database.transaction(LeaseRows::reapExpired);
      outage.over();
    } catch (SQLException e) {
      outage.began("leases are not renewed (running jobs train on; their changes are kept until it is back)", e);
      return;
    }
    metrics.expired(reaped);
    for (Long token : tokens) {
      LeasedJob job = held.get(token);
      if (job == null) {
        continue;
      }
      Boolean cancelling = renewed.get(token);
      if (cancelling == null) {
        lost(job);
      } else if (cancelling && !job.cancelRequested()) {
        job.requestCancel();
        runner.cancel(job.id());
      }
    }
  }

  private int free(DeviceKind kind) {
    return scheduler.freeSlots(kind).map(FreeSlots::free).orElse(0);
  }

  /** Another host has the job now (or it was handed back): its worker here must stop at once. */
  private void lost(LeasedJob job) {
    held.remove(job.token());
    if (job.held()) {
      LOG.warning(() -> "lost the lease of job " + job.id() + " (lease " + job.token() + "); its worker here stops");
      runner.kill(job);
    }
    job.lose();
  }

  private void wakeJournal() {
    synchronized (journal) {
      journalWoken = true;
      journal.notifyAll();
    }
  }

  /** Writes the leased jobs' changes as they come; retries while the database is away. */
  private void journalLoop() {
    while (!closed || !held.isEmpty()) {
      boolean failed = false;
      for (LeasedJob job : List.copyOf(held.values())) {
        failed |= !writePending(job);
      }
      synchronized (journal) {
        journal.notifyAll();
        try {
          if (!journalWoken || failed) {
            journal.wait(failed ? WRITE_RETRY.toMillis() : cluster.pollInterval().toMillis() * 4);
          }
        } catch (InterruptedException e) {
          return;
        }
        journalWoken = false;
      }
      if (closed && held.values().stream().noneMatch(LeasedJob::held)) {
        return;
      }
    }
  }

  /** Writes one job's pending changes; false if the database could not be reached. */
  private boolean writePending(LeasedJob job) {
    List<LeasedJob.Pending> changes = job.toWrite();
    if (changes.isEmpty()) {
      if (!job.held()) {
        held.remove(job.token());
      }
      return true;
    }
    try {
      boolean written = database.transaction(connection -> LeaseRows.write(connection, job.id(), job.token(),
          changes));
      outage.over();
      if (!written) {
        lost(job);
        return true;
      }
      job.written(changes.size());
      if (!job.held()) {
        held.remove(job.token());
      }
      return true;
    } catch (SQLException e) {
      job.notWritten();
      outage.began("job changes wait to be written", e);
      return false;
    }
  }
}
