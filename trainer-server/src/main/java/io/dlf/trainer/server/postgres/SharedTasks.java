package io.dlf.trainer.server.postgres;

import io.dlf.proto.train.v1.ClusterPlacement;
import io.dlf.proto.trainer.v1.ClusterShape;
import io.dlf.proto.trainer.v1.JobAttempt;
import io.dlf.trainer.server.ClusterSettings;
import io.dlf.trainer.server.devices.DeviceKind;
import io.dlf.trainer.server.postgres.TaskRows.ClaimedTask;
import io.dlf.trainer.server.postgres.TaskRows.TaskRow;
import io.dlf.trainer.server.scheduling.JobScheduler;
import io.dlf.trainer.server.scheduling.JobScheduler.FreeSlots;
import io.dlf.trainer.server.store.WorkFolders;
import io.dlf.trainer.server.workers.WorkerLauncher;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * A worker host's part in cluster jobs whose tasks are spread over several hosts (it was given
 * {@code --cluster-address}). As the host that leased such a job, it runs as many of its tasks as it
 * has free slots, waits until other sharing hosts have claimed the rest, and hands the chief every
 * task's address. As another host, it claims open tasks for its free slots and runs each as a
 * {@link io.dlf.trainer.job.TaskCommand} process until the attempt ends. The database carries the
 * addresses ({@link TaskRows}); the chief learns of a lost remote task when it can no longer reach it.
 */
final class SharedTasks {
  private static final Logger LOG = Logger.getLogger(SharedTasks.class.getName());
  /** How long a leased job waits for other hosts to claim its open tasks before it goes back to the queue. */
  private static final Duration CLAIM_WITHIN = Duration.ofMinutes(1);

  private final JobDatabase database;
  private final JobScheduler scheduler;
  private final WorkerLauncher launcher;
  private final WorkFolders folders;
  private final ClusterSettings cluster;
  private final String address;

  SharedTasks(JobDatabase database, JobScheduler scheduler, WorkerLauncher launcher, WorkFolders folders,
      ClusterSettings cluster) {
    this.database = database;
    this.scheduler = scheduler;
    this.launcher = launcher;
    this.folders = folders;
    this.cluster = cluster;
    this.address = cluster.clusterAddress().orElseThrow();
  }

  /** The slots a job leased on {@code room} may take: its free ones and those other sharing hosts have free. */
  int reach(Connection connection, FreeSlots room) throws SQLException {
    return room.free() + TaskRows.freeElsewhere(connection, room.device().kind(), cluster.hostName());
  }

  /**
   * For a cluster job just leased with more tasks than {@code room} has free: writes its tasks, the
   * first {@code room.free()} on this host (workers first) at ports free here, the others open.
   */
  void open(Connection connection, LeaseRows.Lease lease, FreeSlots room) throws SQLException {
    List<String> tasks = tasks(lease.job().getRequest().getTraining().getCluster());
    Map<String, String> local = new LinkedHashMap<>();
    for (String task : tasks.subList(0, room.free())) {
      local.put(task, address + ":" + freePort());
    }
    TaskRows.open(connection, lease.job().getId(), lease.token(), room.device().kind(), cluster.hostName(), local,
        tasks.subList(room.free(), tasks.size()));
  }

  /**
   * Waits until every task of {@code job}'s attempt has a host and an address, then hands them to
   * its chief ({@link LeasedJob#place}) and returns true. False when the job must not start: it was
   * cancelled, lost, or its tasks found no hosts within {@link #CLAIM_WITHIN} (it goes back to the queue).
   */
  boolean awaitPlacement(LeasedJob job) {
    ClusterShape shape = job.snapshot().getRequest().getTraining().getCluster();
    long deadline = System.nanoTime() + CLAIM_WITHIN.toNanos();
    List<TaskRow> rows = List.of();
    while (System.nanoTime() < deadline && !job.lost()) {
      if (job.cancelRequested()) {
        job.cancelled("cancelled while its cluster's tasks waited for worker hosts");
        return false;
      }
      if (scheduler.draining()) {
        job.requeue("paused by a worker host shutdown while its cluster's tasks waited for worker hosts",
            JobAttempt.End.PAUSED);
        return false;
      }
      rows = read(connection -> TaskRows.ofRunningAttempt(connection, job.id(), job.token())).orElse(rows);
      if (complete(rows)) {
        job.place(placement(rows));
        String where = rows.stream().map(row -> row.task() + " on " + row.host() + " at " + row.address()).toList()
            .toString();
        LOG.info(() -> "job " + job.id() + " runs its cluster's tasks on several worker hosts: " + where);
        return true;
      }
      pause();
    }
    if (!job.lost()) {
      long claimed = rows.stream().filter(row -> row.address() != null).count();
      job.requeue("only " + claimed + " of its cluster's " + (shape.getWorkers() + shape.getParameterServers())
          + " tasks found a slot on the worker hosts sharing tasks within " + CLAIM_WITHIN.toSeconds()
          + " s; it waits in the queue again", JobAttempt.End.PAUSED);
    }
    return false;
  }

  /** The attempt of {@code job} ended here: the hosts running its other tasks stop them. */
  void close(LeasedJob job) {
    read(connection -> {
      TaskRows.close(connection, job.id(), job.token());
      return Optional.empty();
    });
  }

  /** Claims an open task of another host's cluster job for a free slot of {@code kind}. */
  Optional<ClaimedTask> claim(Connection connection, DeviceKind kind) throws SQLException {
    return TaskRows.claim(connection, kind, cluster.hostName(), address + ":" + freePort());
  }

  /**
   * Runs a claimed task: waits until every task of its attempt has an address, starts it, and stops
   * it when the attempt ends (its rows go, or its job's lease moves on); returns when it is stopped or
   * exits by itself (its chief then fails the attempt, naming it as unreachable).
   */
  void run(ClaimedTask claimed) {
    String[] task = claimed.task().split(":");
    Optional<List<TaskRow>> rows = running(claimed);
    while (rows.isPresent() && !complete(rows.get())) {
      if (!pause()) {
        return;
      }
      rows = running(claimed);
    }
    if (rows.isEmpty()) {
      return;
    }
    Path log = folders.workDir(claimed.jobId()).resolve("tasks").resolve(task[0] + "-" + task[1] + ".log");
    Process process;
    try {
      process = launcher.startTask(task[0], Integer.parseInt(task[1]), addresses(rows.get(), "ps"),
          addresses(rows.get(), "worker"), log);
    } catch (IOException e) {
      LOG.warning(() -> "could not start task " + claimed.task() + " of job " + claimed.jobId() + ": "
          + e.getMessage());
      return;
    }
    LOG.info(() -> "runs task " + claimed.task() + " of job " + claimed.jobId() + " at " + claimed.address()
        + " (pid " + process.pid() + ", log " + log + ")");
    try {
      while (!process.waitFor(cluster.pollInterval().toMillis(), TimeUnit.MILLISECONDS)) {
        if (running(claimed).isEmpty()) {
          LOG.info(() -> "the attempt of job " + claimed.jobId() + " ended: task " + claimed.task() + " stops");
          return;
        }
      }
      LOG.warning(() -> "task " + claimed.task() + " of job " + claimed.jobId() + " at " + claimed.address()
          + " exited with value " + process.exitValue() + " (128 + n: signal n); its chief fails the attempt when "
          + "it finds the task gone; see " + log);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      process.destroyForcibly();
    }
  }

  /** The rows of the claimed task's attempt while it runs; present but empty while the database is away. */
  private Optional<List<TaskRow>> running(ClaimedTask claimed) {
    try {
      return database.transaction(connection -> TaskRows.ofRunningAttempt(connection, claimed.jobId(),
          claimed.token()));
    } catch (SQLException e) {
      LOG.fine(() -> "could not read the tasks of job " + claimed.jobId() + ": " + e.getMessage());
      return Optional.of(List.of());
    }
  }

  /** What {@code work} reads, or empty while the database is away (the caller tries again). */
  private <T> Optional<T> read(JobDatabase.Work<Optional<T>> work) {
    try {
      return database.transaction(work);
    } catch (SQLException e) {
      LOG.fine(() -> "the job database is away: " + e.getMessage());
      return Optional.empty();
    }
  }

  /** Whether every task has a host and an address. */
  private static boolean complete(List<TaskRow> rows) {
    return !rows.isEmpty() && rows.stream().allMatch(row -> row.address() != null);
  }

  /** Waits a poll interval; false if interrupted. */
  private boolean pause() {
    try {
      Thread.sleep(cluster.pollInterval().toMillis());
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** The cluster's tasks, workers first: "worker:0", ..., "ps:0", .... */
  private static List<String> tasks(ClusterShape shape) {
    return Stream.concat(IntStream.range(0, shape.getWorkers()).mapToObj(i -> "worker:" + i),
        IntStream.range(0, shape.getParameterServers()).mapToObj(i -> "ps:" + i)).toList();
  }

  private ClusterPlacement placement(List<TaskRow> rows) {
    ClusterPlacement.Builder placement = ClusterPlacement.newBuilder()
        .addAllParameterServers(addresses(rows, "ps")).addAllWorkers(addresses(rows, "worker"));
    rows.stream().filter(row -> !cluster.hostName().equals(row.host())).map(TaskRow::task)
        .forEach(placement::addRemoteTasks);
    return placement.build();
  }

  /** The addresses of {@code job}'s tasks in task order. */
  private static List<String> addresses(List<TaskRow> rows, String job) {
    List<String> out = new ArrayList<>();
    for (int i = 0; ; i++) {
      String task = job + ":" + i;
      Optional<TaskRow> row = rows.stream().filter(r -> r.task().equals(task)).findFirst();
      if (row.isEmpty()) {
        return out;
      }
      out.add(row.get().address());
    }
  }

  /**
   * A port nobody listens on now, on every interface (where TensorFlow's server will listen). The
   * task binds it later: another process could take it meanwhile, and the task would then fail to start.
   */
  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port for a cluster task", e);
    }
  }
}
