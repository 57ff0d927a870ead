package io.dlf.trainer.server.workers;

import io.dlf.proto.train.v1.DeviceList;
import io.dlf.proto.train.v1.WorkerAssignment;
import io.dlf.trainer.job.TaskCommand;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Starts job worker processes: a JVM of their own (its own heap, TensorFlow and crashes), on the
 * worker class path, with its log in a file and its events on a pipe.
 */
public final class WorkerLauncher {
  /** The worker's entry point; named, not linked, since the trainer never loads worker classes. */
  public static final String MAIN = "io.dlf.trainer.worker.WorkerMain";
  private static final String JAVACPP_CACHE = "org.bytedeco.javacpp.cachedir";
  private static final long LIST_DEVICES_TIMEOUT_SECONDS = 120;

  private final WorkerSettings settings;

  public WorkerLauncher(WorkerSettings settings) {
    this.settings = settings;
  }

  public WorkerSettings settings() {
    return settings;
  }

  /** Starts a worker for {@code assignment}, its log appended to {@code log}. */
  public WorkerProcess start(WorkerAssignment assignment, Path log) throws IOException {
    Files.createDirectories(log.getParent());
    Process process = new ProcessBuilder(command())
        .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .start();
    WorkerProcess worker = new WorkerProcess(process, log);
    try {
      assignment.writeDelimitedTo(process.getOutputStream());
      process.getOutputStream().flush();
    } catch (IOException e) {
      worker.kill();
      throw new IOException("worker " + process.pid() + " ended before it took its job; see " + log, e);
    }
    return worker;
  }

  /**
   * Starts task {@code index} of {@code job} ({@code ps} or {@code worker}) of a cluster whose tasks
   * are at {@code parameterServers} and {@code workers} (host:port, in task order): the worker's
   * {@link TaskCommand}, as a job's chief starts the tasks beside it. Its output goes to
   * {@code log}; it ends with this process.
   */
  public Process startTask(String job, int index, List<String> parameterServers, List<String> workers, Path log)
      throws IOException {
    Files.createDirectories(log.getParent());
    List<String> command = TaskCommand.of(settings.classpath(), job, index, parameterServers, workers);
    ProcessBuilder.Redirect output = ProcessBuilder.Redirect.appendTo(log.toFile());
    Process process = new ProcessBuilder(command).redirectOutput(output).redirectError(output).start();
    process.getOutputStream().close();
    return process;
  }

  /** TensorFlow's devices on this host, as a worker sees them. */
  public DeviceList listDevices(Path log) throws IOException, InterruptedException {
    Files.createDirectories(log.getParent());
    List<String> command = command();
    command.add("--list-devices");
    Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .start();
    process.getOutputStream().close();
    DeviceList devices = DeviceList.parseDelimitedFrom(process.getInputStream());
    if (!process.waitFor(LIST_DEVICES_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
    if (devices == null) {
      throw new IOException("the device probe ended (" + new WorkerExit(process.exitValue()).describe()
          + ") without listing devices; see " + log);
    }
    return devices;
  }

  private List<String> command() {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx" + settings.heap());
    String cache = System.getProperty(JAVACPP_CACHE);
    if (cache != null) {
      command.add("-D" + JAVACPP_CACHE + "=" + cache);
    }
    command.addAll(settings.jvmOptions());
    command.add("-cp");
    command.add(settings.classpath());
    command.add(settings.mainClass());
    return command;
  }
}
