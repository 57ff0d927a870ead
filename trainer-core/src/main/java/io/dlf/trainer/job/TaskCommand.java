package io.dlf.trainer.job;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line of a cluster task's process (the worker's {@value #MAIN}): one place for the
 * job's chief, which starts the tasks beside it, and for a worker host that starts tasks of another
 * host's job. Named, not linked: the trainer never loads worker classes.
 */
public final class TaskCommand {
  public static final String MAIN = "io.dlf.trainer.worker.TaskMain";
  /** A task's variables and buffers live in TensorFlow's native memory, not the heap. */
  private static final String HEAP = "-Xmx256m";
  private static final String JAVACPP_CACHE = "org.bytedeco.javacpp.cachedir";

  private TaskCommand() {}

  /**
   * {@code java} on {@code classpath} running task {@code index} of {@code job} ({@code ps} or
   * {@code worker}) of the cluster whose tasks are at {@code parameterServers} and {@code workers}
   * (host:port, in task order), with this process's native-library cache.
   */
  public static List<String> of(String classpath, String job, int index, List<String> parameterServers,
      List<String> workers) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add(HEAP);
    String cache = System.getProperty(JAVACPP_CACHE);
    if (cache != null) {
      command.add("-D" + JAVACPP_CACHE + "=" + cache);
    }
    command.addAll(List.of("-cp", classpath, MAIN, "--job", job, "--task", Integer.toString(index),
        "--ps", String.join(",", parameterServers), "--workers", String.join(",", workers)));
    return command;
  }
}
