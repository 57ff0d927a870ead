package io.dlf.trainer.server;

import static java.util.Objects.requireNonNull;

import io.dlf.trainer.server.workers.WorkerSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What a trainer server runs with, besides how it listens ({@link io.dlf.server.GrpcServerConfig}).
 *
 * @param dataDir where jobs (records and checkpoints) live; one trainer per folder
 * @param modelsDir the model repository that finished jobs export into
 * @param dataRoots the only folders datasets are read from
 * @param cpuSlots jobs that may train on the CPU at once
 * @param gpuSlots jobs that may train on each GPU at once
 * @param queueCapacity jobs that may wait; a submission beyond it is refused
 * @param useGpus false: ignore GPUs TensorFlow finds (leave them to other processes)
 * @param intraOpThreads TensorFlow threads within an op, per job (0: TensorFlow picks)
 * @param interOpThreads TensorFlow threads across ops, per job (0: TensorFlow picks)
 * @param pauseTimeout how long a shutdown waits for running jobs to checkpoint
 * @param jobMemoryLimit bytes one job may need by the admission estimate; 0: derived from the
 *     machine's memory and the job slots ({@link io.dlf.trainer.server.submit.JobMemoryLimit})
 * @param workers how jobs' worker processes start
 * @param cluster the shared database and this process's role in it; empty for an embedded trainer (files)
 */
public record TrainerServerConfig(
    Path dataDir,
    Path modelsDir,
    List<Path> dataRoots,
    int cpuSlots,
    int gpuSlots,
    int queueCapacity,
    boolean useGpus,
    int intraOpThreads,
    int interOpThreads,
    Duration pauseTimeout,
    long jobMemoryLimit,
    WorkerSettings workers,
    Optional<ClusterSettings> cluster) {

  public TrainerServerConfig {
    requireNonNull(dataDir, "dataDir is null");
    requireNonNull(modelsDir, "modelsDir is null");
    dataRoots = List.copyOf(requireNonNull(dataRoots, "dataRoots is null"));
    requireNonNull(pauseTimeout, "pauseTimeout is null");
    requireNonNull(workers, "workers is null");
    requireNonNull(cluster, "cluster is null");
    check(!dataRoots.isEmpty(), "at least one data root is required (--data-root): datasets are read only from them");
    check(cpuSlots >= 1, "cpu slots " + cpuSlots + " must be at least 1");
    check(gpuSlots >= 1, "gpu slots " + gpuSlots + " must be at least 1");
    check(queueCapacity >= 0, "queue capacity " + queueCapacity + " must be at least 0");
    check(intraOpThreads >= 0 && interOpThreads >= 0,
        "TensorFlow thread counts must be at least 0 (0: TensorFlow picks)");
    check(!pauseTimeout.isNegative(), "pause timeout " + pauseTimeout + " must not be negative");
    check(jobMemoryLimit >= 0, "job memory limit " + jobMemoryLimit + " must not be negative (0: derived)");
  }

  /** An embedded trainer's configuration: jobs in files under {@code dataDir}, run by this process. */
  public TrainerServerConfig(Path dataDir, Path modelsDir, List<Path> dataRoots, int cpuSlots, int gpuSlots,
      int queueCapacity, boolean useGpus, int intraOpThreads, int interOpThreads, Duration pauseTimeout,
      long jobMemoryLimit, WorkerSettings workers) {
    this(dataDir, modelsDir, dataRoots, cpuSlots, gpuSlots, queueCapacity, useGpus, intraOpThreads, interOpThreads,
        pauseTimeout, jobMemoryLimit, workers, Optional.empty());
  }

  private static void check(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }

  /**
   * Models under {@code dataDir/models}, one CPU job and one job per GPU at a time, 64 waiting,
   * GPUs used when found, TensorFlow's thread defaults, a minute to checkpoint on shutdown, the
   * per-job memory limit derived from the machine, and {@link WorkerSettings#defaults() default workers}.
   */
  public static TrainerServerConfig defaults(Path dataDir, List<Path> dataRoots) {
    return new TrainerServerConfig(dataDir, dataDir.resolve("models"), dataRoots, 1, 1, 64, true, 0, 0,
        Duration.ofMinutes(1), 0, WorkerSettings.defaults(), Optional.empty());
  }

  public TrainerServerConfig withModelsDir(Path value) {
    return new TrainerServerConfig(dataDir, value, dataRoots, cpuSlots, gpuSlots, queueCapacity, useGpus,
        intraOpThreads, interOpThreads, pauseTimeout, jobMemoryLimit, workers, cluster);
  }

  public TrainerServerConfig withSlots(int cpu, int gpu) {
    return new TrainerServerConfig(dataDir, modelsDir, dataRoots, cpu, gpu, queueCapacity, useGpus,
        intraOpThreads, interOpThreads, pauseTimeout, jobMemoryLimit, workers, cluster);
  }

  public TrainerServerConfig withQueueCapacity(int value) {
    return new TrainerServerConfig(dataDir, modelsDir, dataRoots, cpuSlots, gpuSlots, value, useGpus,
        intraOpThreads, interOpThreads, pauseTimeout, jobMemoryLimit, workers, cluster);
  }

  public TrainerServerConfig withUseGpus(boolean value) {
    return new TrainerServerConfig(dataDir, modelsDir, dataRoots, cpuSlots, gpuSlots, queueCapacity, value,
        intraOpThreads, interOpThreads, pauseTimeout, jobMemoryLimit, workers, cluster);
  }

  public TrainerServerConfig withThreads(int intraOp, int interOp) {
    return new TrainerServerConfig(dataDir, modelsDir, dataRoots, cpuSlots, gpuSlots, queueCapacity, useGpus,
        intraOp, interOp, pauseTimeout, jobMemoryLimit, workers, cluster);
  }

  public TrainerServerConfig withPauseTimeout(Duration value) {
    return new TrainerServerConfig(dataDir, modelsDir, dataRoots, cpuSlots, gpuSlots, queueCapacity, useGpus,
        intraOpThreads, interOpThreads, value, jobMemoryLimit, workers, cluster);
  }

  public TrainerServerConfig withJobMemoryLimit(long bytes) {
    return new TrainerServerConfig(dataDir, modelsDir, dataRoots, cpuSlots, gpuSlots, queueCapacity, useGpus,
        intraOpThreads, interOpThreads, pauseTimeout, bytes, workers, cluster);
  }

  public TrainerServerConfig withWorkers(WorkerSettings value) {
    return new TrainerServerConfig(dataDir, modelsDir, dataRoots, cpuSlots, gpuSlots, queueCapacity, useGpus,
        intraOpThreads, interOpThreads, pauseTimeout, jobMemoryLimit, value, cluster);
  }

  /** Shares the job store and queue with other trainers through a database, in {@code value}'s role. */
  public TrainerServerConfig withCluster(ClusterSettings value) {
    return new TrainerServerConfig(dataDir, modelsDir, dataRoots, cpuSlots, gpuSlots, queueCapacity, useGpus,
        intraOpThreads, interOpThreads, pauseTimeout, jobMemoryLimit, workers, Optional.of(value));
  }

  /** The role of this process: {@link TrainerRole#ALL} for an embedded trainer. */
  public TrainerRole role() {
    return cluster.map(ClusterSettings::role).orElse(TrainerRole.ALL);
  }
}
