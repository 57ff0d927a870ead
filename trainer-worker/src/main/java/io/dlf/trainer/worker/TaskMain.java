package io.dlf.trainer.worker;

import io.dlf.dsl.cluster.ClusterLayout;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.tensorflow.Server;
import org.tensorflow.proto.ServerDef;

/**
 * One task of a job on TensorFlow's distributed runtime: a parameter server or a worker's server,
 * {@code --job ps|worker --task i --ps host:port,... --workers host:port,...}. It prints
 * {@value #READY} and its address once the server listens, then serves until it is killed or its
 * parent process ends. A process per task, because TensorFlow's server cannot be stopped
 * ({@code Server.stop()} is not implemented): the process's end is the task's end.
 */
public final class TaskMain {
  public static final String READY = "task ready: ";
  private static final Set<String> OPTIONS = Set.of("--job", "--task", "--ps", "--workers");

  private TaskMain() {}

  public static void main(String[] args) throws InterruptedException {
    ServerDef serverDef;
    try {
      serverDef = serverDef(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.err.println("usage: TaskMain --job ps|worker --task <index> --ps host:port,... --workers host:port,...");
      System.exit(2);
      return;
    }
    ProcessHandle.current().parent().ifPresent(parent -> parent.onExit().thenRun(() -> {
      System.err.println("parent process " + parent.pid() + " ended: stopping");
      Runtime.getRuntime().halt(0);
    }));
    Server server = new Server(serverDef);
    server.start();
    String job = serverDef.getJobName();
    System.out.println(READY + "/job:" + job + "/task:" + serverDef.getTaskIndex() + " at "
        + serverDef.getCluster().getJobList().stream().filter(j -> j.getName().equals(job))
            .map(j -> j.getTasksOrThrow(serverDef.getTaskIndex())).findFirst().orElseThrow());
    System.out.flush();
    server.join();
  }

  static ServerDef serverDef(String[] args) {
    Map<String, String> options = new HashMap<>();
    for (int i = 0; i < args.length; i += 2) {
      if (!OPTIONS.contains(args[i]) || i + 1 == args.length) {
        throw new IllegalArgumentException("unknown option or missing value: " + args[i]);
      }
      options.put(args[i], args[i + 1]);
    }
    for (String option : OPTIONS) {
      if (!options.containsKey(option)) {
        throw new IllegalArgumentException("missing " + option);
      }
    }
    int task;
    try {
      task = Integer.parseInt(options.get("--task"));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--task is a task index (0, 1, ...), got '" + options.get("--task") + "'");
    }
    return ClusterLayout.parse(options.get("--ps"), options.get("--workers")).serverDef(options.get("--job"), task);
  }
}
