package io.dlf.trainer.server.jobs;

import com.google.inject.Singleton;
import io.dlf.proto.trainer.v1.JobState;
import io.dlf.proto.trainer.v1.Progress;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Every job this server knows, by id and by the client's request id, and the work they did. */
@Singleton
public final class JobRegistry {
  private final Map<String, LiveJob> jobs = new ConcurrentHashMap<>();
  private final Map<String, LiveJob> byRequestId = new ConcurrentHashMap<>();
  private final LongAdder steps = new LongAdder();
  private final LongAdder samples = new LongAdder();
  /** The latest progress of each job training in this process, wherever its record lives. */
  private final Map<String, Progress> training = new ConcurrentHashMap<>();
  private final LongAdder workerStarts = new LongAdder();
  private final Map<WorkerExitCause, LongAdder> workerExits = new EnumMap<>(WorkerExitCause.class);
  private final LongAdder retries = new LongAdder();

  /** How a job's worker process ended, as the metrics count it. */
  public enum WorkerExitCause {
    /** It reported the job's end: succeeded, failed or cancelled. */
    JOB_ENDED,
    /** It checkpointed for a shutdown. */
    PAUSED,
    /** It died without a word (killed, crashed), or never started. */
    DIED
  }

  public JobRegistry() {
    for (WorkerExitCause cause : WorkerExitCause.values()) {
      workerExits.put(cause, new LongAdder());
    }
  }

  void add(LiveJob job) {
    jobs.put(job.id(), job);
    String requestId = job.snapshot().getRequest().getRequestId();
    if (!requestId.isEmpty()) {
      byRequestId.put(requestId, job);
    }
  }

  Optional<LiveJob> find(String id) {
    return Optional.ofNullable(jobs.get(id));
  }

  Optional<LiveJob> findByRequestId(String requestId) {
    return Optional.ofNullable(byRequestId.get(requestId));
  }

  List<LiveJob> all() {
    return List.copyOf(jobs.values());
  }

  public Map<JobState, Long> countByState() {
    Map<JobState, Long> counts = new EnumMap<>(JobState.class);
    for (JobState state : JobState.values()) {
      if (state != JobState.JOB_STATE_UNSPECIFIED && state != JobState.UNRECOGNIZED) {
        counts.put(state, 0L);
      }
    }
    jobs.values().forEach(j -> counts.merge(j.snapshot().getState(), 1L, Long::sum));
    return counts;
  }

  /** Each job training now, by id: its worker tasks' latest throughput, in task order (one task in one process). */
  public Map<String, List<Double>> taskSamplesPerSecond() {
    Map<String, List<Double>> out = new TreeMap<>();
    training.forEach((job, progress) -> out.put(job, progress.getWorkerSamplesPerSecondList()));
    return out;
  }

  /** The latest throughput of every job training now, summed. */
  public double samplesPerSecond() {
    return training.values().stream().mapToDouble(Progress::getSamplesPerSecond).sum();
  }

  public double stepsPerSecond() {
    return training.values().stream().mapToDouble(Progress::getStepsPerSecond).sum();
  }

  void recordTraining(String jobId, long stepsDone, long samplesDone, Progress latest) {
    steps.add(stepsDone);
    samples.add(samplesDone);
    training.put(jobId, latest);
  }

  /** The job no longer trains here (it exports, or its run ended). */
  void trainingStopped(String jobId) {
    training.remove(jobId);
  }

  void recordWorkerStart() {
    workerStarts.increment();
  }

  void recordWorkerExit(WorkerExitCause cause) {
    workerExits.get(cause).increment();
  }

  void recordRetry() {
    retries.increment();
  }

  public long workerStarts() {
    return workerStarts.sum();
  }

  public Map<WorkerExitCause, Long> workerExits() {
    Map<WorkerExitCause, Long> counts = new EnumMap<>(WorkerExitCause.class);
    workerExits.forEach((cause, n) -> counts.put(cause, n.sum()));
    return counts;
  }

  /** Jobs queued again because their worker died. */
  public long retries() {
    return retries.sum();
  }

  public long trainedSteps() {
    return steps.sum();
  }

  public long trainedSamples() {
    return samples.sum();
  }
}
