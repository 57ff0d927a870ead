package io.dlf.trainer.server.workers;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.regex.Pattern;

/**
 * How the trainer starts a job's worker process.
 *
 * @param classpath the worker's class path (the trainer-worker module and its dependencies)
 * @param heap the worker JVM's -Xmx, e.g. {@code 2g}
 * @param jvmOptions further JVM options, e.g. GC settings
 * @param maxAttempts how many times a job's worker may die before the job fails
 * @param mainClass the worker's entry point on the class path: {@link WorkerLauncher#MAIN}, or a
 *     stand-in that speaks the same protocol (the queue benchmark's no-op worker)
 */
public record WorkerSettings(String classpath, String heap, List<String> jvmOptions, int maxAttempts,
    String mainClass) {
  private static final Pattern SIZE = Pattern.compile("[1-9][0-9]{0,6}[kKmMgG]?");

  public WorkerSettings {
    requireNonNull(classpath, "classpath is null");
    requireNonNull(heap, "heap is null");
    jvmOptions = List.copyOf(jvmOptions);
    if (classpath.isBlank()) {
      throw new IllegalArgumentException("the worker class path is empty (--worker-classpath)");
    }
    if (!SIZE.matcher(heap).matches()) {
      throw new IllegalArgumentException("worker heap '" + heap + "' is not a size such as 2g or 1536m");
    }
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("max attempts " + maxAttempts + " must be at least 1");
    }
    requireNonNull(mainClass, "mainClass is null");
  }

  /** Workers running the real worker, {@link WorkerLauncher#MAIN}. */
  public WorkerSettings(String classpath, String heap, List<String> jvmOptions, int maxAttempts) {
    this(classpath, heap, jvmOptions, maxAttempts, WorkerLauncher.MAIN);
  }

  /**
   * Workers on this JVM's own class path (or {@code -Ddlf.worker.classpath}, which the launch script
   * sets), 2 GiB of heap each, two attempts per job.
   */
  public static WorkerSettings defaults() {
    return new WorkerSettings(System.getProperty("dlf.worker.classpath", System.getProperty("java.class.path")), "2g",
        List.of(), 2);
  }

  public WorkerSettings withHeap(String value) {
    return new WorkerSettings(classpath, value, jvmOptions, maxAttempts, mainClass);
  }

  public WorkerSettings withMaxAttempts(int value) {
    return new WorkerSettings(classpath, heap, jvmOptions, value, mainClass);
  }

  public WorkerSettings withJvmOptions(List<String> value) {
    return new WorkerSettings(classpath, heap, value, maxAttempts, mainClass);
  }

  public WorkerSettings withClasspath(String value) {
    return new WorkerSettings(value, heap, jvmOptions, maxAttempts, mainClass);
  }

  public WorkerSettings withMainClass(String value) {
    return new WorkerSettings(classpath, heap, jvmOptions, maxAttempts, value);
  }
}
