package io.dlf.trainer.worker;

import io.dlf.dsl.cluster.ClusterLayout;
import java.util.concurrent.Callable;
import org.tensorflow.Server;
import org.tensorflow.proto.ServerDef;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * One task of a job on TensorFlow's distributed runtime: a parameter server or a worker's server. It
 * prints {@value #READY} and its address once the server listens, then serves until it is killed or
 * its parent process ends. A process per task, because TensorFlow's server cannot be stopped
 * ({@code Server.stop()} is not implemented): the process's end is the task's end.
 */
@Command(name = "dlf-task", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Runs one task (parameter server or worker) of a training job on TensorFlow's distributed runtime.",
        "TensorFlow's server listens on every interface of its port and authenticates nobody: run tasks only on a "
            + "network that only the job's machines reach."})
public final class TaskMain implements Callable<Integer> {
  public static final String READY = "task ready: ";

  @Spec
  CommandSpec spec;

  @Option(names = "--job", required = true, description = "ps or worker.")
  String job;

  @Option(names = "--task", required = true, description = "This task's index in its job (0, 1, ...).")
  int task;

  @Option(names = "--ps", required = true, paramLabel = "HOST:PORT,...",
      description = "The parameter-server tasks' addresses, in task order.")
  String parameterServers;

  @Option(names = "--workers", required = true, paramLabel = "HOST:PORT,...",
      description = "The worker tasks' addresses, in task order.")
  String workers;

  public static void main(String[] args) {
    System.exit(new CommandLine(new TaskMain()).execute(args));
  }

  @Override
  public Integer call() throws InterruptedException {
    ServerDef serverDef = serverDef();
    ProcessHandle.current().parent().ifPresent(parent -> parent.onExit().thenRun(() -> {
      System.err.println("parent process " + parent.pid() + " ended: stopping");
      Runtime.getRuntime().halt(0);
    }));
    Server server = new Server(serverDef);
    server.start();
    System.out.println(READY + "/job:" + job + "/task:" + task + " at "
        + serverDef.getCluster().getJobList().stream().filter(j -> j.getName().equals(job))
            .map(j -> j.getTasksOrThrow(task)).findFirst().orElseThrow());
    System.out.flush();
    server.join();
    return 0;
  }

  /** The server definition the options describe; a usage error names what is wrong. */
  ServerDef serverDef() {
    try {
      return ClusterLayout.parse(parameterServers, workers).serverDef(job, task);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage(), e);
    }
  }
}
