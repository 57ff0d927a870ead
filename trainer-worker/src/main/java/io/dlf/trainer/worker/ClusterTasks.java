package io.dlf.trainer.worker;

import io.dlf.dsl.cluster.ClusterLayout;
import io.dlf.trainer.job.TaskCommand;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * The task processes of a job on a cluster, started by its chief on loopback: a {@link TaskMain} per
 * parameter server and per worker, each on a free port of 127.0.0.1, its log in the job's work
 * folder. The tasks end with the chief (they watch their parent) or when this closes. TensorFlow's
 * server listens on every interface of its port and authenticates nobody: the tasks stay on one host,
 * unless its worker host shares them with others (a placement, {@code --cluster-address}), whose
 * tasks it then only waits for.
 * Public for the distributed-training benchmark, which trains through the same tasks as a job.
 */
public final class ClusterTasks implements AutoCloseable {
  private static final String HOST = "127.0.0.1";
  private static final Duration EXIT_NOTICE = Duration.ofSeconds(5);
  private static final int PROBE_MILLIS = 1000;
  private static final int LOST_AFTER_PROBES = 3;

  /** One task: its job ({@code ps} or {@code worker}), index, address and process (absent if left unstarted). */
  private record Task(String job, int index, String address, Optional<Process> process, Path log) {
    /** "parameter server 1 (127.0.0.1:4711)". */
    String describe() {
      return (job.equals(ClusterLayout.PS) ? "parameter server " : "worker ") + index + " (" + address + ")";
    }

    /** Why the task is gone, if it is: "exited with signal 9". */
    Optional<String> exit() {
      return process.filter(p -> !p.isAlive()).map(p -> "exited with " + exitStatus(p.exitValue()));
    }
  }

  private final ClusterLayout layout;
  private final List<Task> tasks;
  private volatile boolean closing;

  private ClusterTasks(ClusterLayout layout, List<Task> tasks) {
    this.layout = layout;
    this.tasks = tasks;
  }

  /**
   * Starts {@code parameterServers} and {@code workers} tasks, their logs under {@code logs}, and
   * waits until each says it is ready.
   *
   * @param unstarted tasks ("ps:1", "worker:0") given an address but no process: a test's way to have
   *     a task nobody can reach
   * @param onLost told, on the thread that notices, why a task ended before this closed ("parameter
   *     server 1 (127.0.0.1:4711) exited with signal 9; see ...") : a step against it might only
   *     fail after the operation timeout
   * @throws ClusterTaskException naming a task that ended or did not come up within {@code readyWithin}
   */
  public static ClusterTasks start(int parameterServers, int workers, Path logs, Duration readyWithin, Set<String> unstarted,
      Consumer<String> onLost) throws IOException {
    return start(new ClusterLayout(addresses(parameterServers), addresses(workers)), Set.of(), logs, readyWithin,
        unstarted, onLost);
  }

  /**
   * Starts the tasks of {@code layout} at their addresses, except the {@code remote} ones ("ps:1"),
   * which other worker hosts start (their logs in {@code logs} too, a shared folder): those are
   * waited for until they can be reached. Otherwise as {@link #start(int, int, Path, Duration, Set,
   * Consumer)}.
   */
  public static ClusterTasks start(ClusterLayout layout, Set<String> remote, Path logs, Duration readyWithin,
      Set<String> unstarted, Consumer<String> onLost) throws IOException {
    Files.createDirectories(logs);
    // a probe outlasts the wait for it a little, so that the wait's timeout is what names the task
    long probeDeadline = System.nanoTime() + readyWithin.toNanos() + TimeUnit.MILLISECONDS.toNanos(PROBE_MILLIS);
    List<Task> tasks = new ArrayList<>();
    List<Task> awaited = new ArrayList<>();
    List<Task> others = new ArrayList<>();
    List<CompletableFuture<Void>> ready = new ArrayList<>();
    ClusterTasks cluster = new ClusterTasks(layout, tasks);
    try {
      for (String job : List.of(ClusterLayout.PS, ClusterLayout.WORKER)) {
        int count = (job.equals(ClusterLayout.PS) ? layout.parameterServers() : layout.workers()).size();
        for (int i = 0; i < count; i++) {
          Path log = logs.resolve(job + "-" + i + ".log");
          String address = layout.address(job, i);
          if (remote.contains(job + ":" + i)) {
            Task task = new Task(job, i, address, Optional.empty(), log);
            tasks.add(task);
            awaited.add(task);
            others.add(task);
            ready.add(CompletableFuture.runAsync(() -> awaitReachable(address, probeDeadline)));
            continue;
          }
          if (unstarted.contains(job + ":" + i)) {
            tasks.add(new Task(job, i, address, Optional.empty(), log));
            continue;
          }
          Process process = new ProcessBuilder(command(layout, job, i))
              .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
          Task task = new Task(job, i, address, Optional.of(process), log);
          tasks.add(task);
          awaited.add(task);
          ready.add(CompletableFuture.runAsync(() -> awaitReady(process)));
          process.onExit().thenRun(() -> {
            if (!cluster.closing) {
              onLost.accept(task.describe() + " " + task.exit().orElse("exited") + "; see " + log);
            }
          });
        }
      }
      awaitAll(awaited, ready, readyWithin);
      if (!others.isEmpty()) {
        cluster.watch(others, onLost);
      }
      return cluster;
    } catch (IOException | RuntimeException e) {
      cluster.close();
      throw e;
    }
  }

  /**
   * Tells {@code onLost} when a task of another host stops accepting connections (its process there
   * ended, or its host): a step against it might only fail after the operation timeout. A task
   * counts as lost after {@value #LOST_AFTER_PROBES} probes in a row fail, not at one slow answer.
   */
  private void watch(List<Task> others, Consumer<String> onLost) {
    Thread watcher = new Thread(() -> {
      Map<Task, Integer> failed = new HashMap<>();
      while (!closing) {
        for (Task task : others) {
          int misses = reachable(task.address()) ? 0 : failed.getOrDefault(task, 0) + 1;
          failed.put(task, misses);
          if (misses == LOST_AFTER_PROBES && !closing) {
            onLost.accept(task.describe() + " cannot be reached (it runs on another worker host); see " + task.log());
            return;
          }
        }
        try {
          Thread.sleep(PROBE_MILLIS);
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "cluster-task-watch");
    watcher.setDaemon(true);
    watcher.start();
  }

  public ClusterLayout layout() {
    return layout;
  }

  /**
   * {@code error}, from a step or a session of the cluster, with a cause a person can act on when a
   * task is to blame: the first that exited (its exit may reach us just after the step's error), else
   * the first that cannot be reached. {@code error} itself when every task is up.
   */
  public RuntimeException explain(RuntimeException error) {
    long deadline = System.nanoTime() + EXIT_NOTICE.toNanos();
    do {
      for (Task task : tasks) {
        Optional<String> exit = task.exit();
        if (exit.isPresent()) {
          return new ClusterTaskException(task.describe() + " " + exit.get() + "; see " + task.log(), error);
        }
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    } while (System.nanoTime() < deadline);
    for (Task task : tasks) {
      if (!reachable(task.address())) {
        return new ClusterTaskException(task.describe() + " cannot be reached", error);
      }
    }
    return error;
  }

  @Override
  public void close() {
    closing = true;
    for (Task task : tasks) {
      task.process().ifPresent(Process::destroyForcibly);
    }
  }

  private static void awaitAll(List<Task> started, List<CompletableFuture<Void>> ready, Duration within) {
    long deadline = System.nanoTime() + within.toNanos();
    for (int i = 0; i < started.size(); i++) {
      Task task = started.get(i);
      try {
        ready.get(i).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (TimeoutException e) {
        throw new ClusterTaskException(task.describe() + " did not come up within " + within.toSeconds()
            + " s; see " + task.log(), e);
      } catch (ExecutionException e) {
        throw new ClusterTaskException(task.describe() + " " + task.exit().orElse("ended") + " before it was ready; "
            + "see " + task.log(), e.getCause());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ClusterTaskException("interrupted while " + task.describe() + " started", e);
      }
    }
  }

  /** Returns once a task another host starts accepts connections; throws when {@code deadline} (nanoTime) passes. */
  private static void awaitReachable(String address, long deadline) {
    while (!reachable(address)) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("nobody listens at " + address);
      }
      try {
        Thread.sleep(PROBE_MILLIS / 5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
    }
  }

  /** Returns once the task prints its ready line; throws if its output ends first. */
  private static void awaitReady(Process process) {
    try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
        StandardCharsets.UTF_8))) {
      for (String line = out.readLine(); line != null; line = out.readLine()) {
        if (line.startsWith(TaskMain.READY)) {
          return;
        }
      }
      process.waitFor(EXIT_NOTICE.toMillis(), TimeUnit.MILLISECONDS);
      throw new IllegalStateException("the task's output ended before its ready line");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private static List<String> command(ClusterLayout layout, String job, int task) {
    return TaskCommand.of(System.getProperty("java.class.path"), job, task, layout.parameterServers(),
        layout.workers());
  }

  private static List<String> addresses(int count) throws IOException {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getByName(HOST))) {
        out.add(HOST + ":" + socket.getLocalPort());
      }
    }
    return out;
  }

  private static boolean reachable(String address) {
    int colon = address.lastIndexOf(':');
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(address.substring(0, colon),
          Integer.parseInt(address.substring(colon + 1))), PROBE_MILLIS);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** "signal 9" for a process a signal ended (the JVM reports 128 + the signal), else "code 3". */
  private static String exitStatus(int value) {
    return value > 128 ? "signal " + (value - 128) : "code " + value;
  }
}
