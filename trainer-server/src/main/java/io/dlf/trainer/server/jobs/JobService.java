package io.dlf.trainer.server.jobs;

import com.google.inject.Inject;
import com.google.inject.Singleton;
import com.google.protobuf.Timestamp;
import com.google.protobuf.util.Timestamps;
import io.dlf.dsl.spec.Quoted;
import io.dlf.proto.trainer.v1.Job;
import io.dlf.proto.trainer.v1.JobAttempt;
import io.dlf.proto.trainer.v1.JobEvent;
import io.dlf.proto.trainer.v1.JobState;
import io.dlf.proto.trainer.v1.ListJobsRequest;
import io.dlf.proto.trainer.v1.ListJobsResponse;
import io.dlf.proto.trainer.v1.StateTransition;
import io.dlf.proto.trainer.v1.SubmitJobRequest;
import io.dlf.server.GrpcErrors;
import io.dlf.trainer.server.devices.DeviceInventory;
import io.dlf.trainer.server.devices.DeviceKind;
import io.dlf.trainer.server.devices.DeviceRequest;
import io.dlf.trainer.server.scheduling.JobScheduler;
import io.dlf.trainer.server.store.JobStore;
import io.dlf.trainer.server.submit.DeviceRequests;
import io.dlf.trainer.server.submit.JobPlan;
import io.dlf.trainer.server.submit.SubmissionValidator;
import io.grpc.stub.ServerCallStreamObserver;
import java.io.IOException;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.logging.Logger;

/**
 * What the trainer does with jobs: accepts them (durably, before answering), looks them up, lists,
 * cancels and streams them, retries failed exports, and on start-up takes back the jobs a previous
 * run left.
 */
@Singleton
public final class JobService {
  private static final Logger LOG = Logger.getLogger(JobService.class.getName());
  private static final Duration RETRY_WHEN_FULL = Duration.ofSeconds(30);
  /** Job ids are UUIDs (36 characters); a longer id names no job. */
  private static final int MAX_JOB_ID_LENGTH = 64;
  private static final Comparator<Job> NEWEST_FIRST = Comparator
      .comparing((Job j) -> Timestamps.toNanos(j.getCreateTime())).thenComparing(Job::getId).reversed();

  private final JobRegistry registry;
  private final JobStore store;
  private final SubmissionValidator validator;
  private final JobScheduler scheduler;
  private final JobRunner runner;
  private final DeviceInventory devices;
  private final Object admission = new Object();
  private volatile boolean accepting = true;

  /** The validator comes first: Guice builds it (and checks the data roots) before the store locks its folder. */
  @Inject
  JobService(SubmissionValidator validator, JobRegistry registry, JobStore store, JobScheduler scheduler,
      JobRunner runner, DeviceInventory devices) {
    this.registry = registry;
    this.store = store;
    this.validator = validator;
    this.scheduler = scheduler;
    this.runner = runner;
    this.devices = devices;
  }

  /** Validates, stores and queues a job; returns it as stored. */
  public Job submit(SubmitJobRequest request) {
    checkAccepting();
    JobPlan plan = validator.validate(request);
    DeviceKind kind = devices.place(plan.device()).orElseThrow(() -> GrpcErrors.failedPrecondition("NO_GPU",
        JobFailures.noGpu(devices.describe()).getMessage()));
    synchronized (admission) {
      checkAccepting();
      if (!request.getRequestId().isEmpty()) {
        Optional<LiveJob> earlier = registry.findByRequestId(request.getRequestId());
        if (earlier.isPresent()) {
          return sameRequest(earlier.get(), request);
        }
      }
      if (!scheduler.canAccept(kind)) {
        throw GrpcErrors.resourceExhausted("the trainer's queue is full (" + scheduler.queueLength()
            + " jobs waiting); submit again later", RETRY_WHEN_FULL);
      }
      Timestamp now = LiveJob.now();
      Job job = Job.newBuilder()
          .setId(UUID.randomUUID().toString())
          .setState(JobState.QUEUED)
          .setRequest(request)
          .setModelName(plan.modelName())
          .setCreateTime(now)
          .addTransitions(StateTransition.newBuilder().setState(JobState.QUEUED).setTime(now)
              .setMessage("submitted; waiting for a " + kind + " slot"))
          .build();
      try {
        store.save(job);
      } catch (IOException e) {
        throw GrpcErrors.unavailable("the trainer could not store the job (" + e.getMessage() + "); nothing was "
            + "queued, submit again", RETRY_WHEN_FULL);
      }
      LiveJob live = new LiveJob(job, store);
      registry.add(live);
      scheduler.enqueue(job.getId(), kind, device -> runner.run(live, device));
      return job;
    }
  }

  public Job get(String jobId) {
    return find(jobId).snapshot();
  }

  /** Newest first, filtered by state, one page at a time: 100 jobs unless asked, at most 1000 (uint32: unsigned). */
  public ListJobsResponse list(ListJobsRequest request) {
    long asked = Integer.toUnsignedLong(request.getPageSize());
    int pageSize = asked == 0 ? 100 : (int) Math.min(asked, 1000);
    Optional<PageToken> after = PageToken.parse(request.getPageToken());
    List<Job> matching = registry.all().stream()
        .map(LiveJob::snapshot)
        .filter(j -> request.getStatesList().isEmpty() || request.getStatesList().contains(j.getState()))
        .sorted(NEWEST_FIRST)
        .filter(j -> after.map(token -> token.precedes(j)).orElse(true))
        .limit(pageSize + 1L)
        .toList();
    ListJobsResponse.Builder response = ListJobsResponse.newBuilder()
        .addAllJobs(matching.subList(0, Math.min(pageSize, matching.size())));
    if (matching.size() > pageSize) {
      response.setNextPageToken(PageToken.of(matching.get(pageSize - 1)).encode());
    }
    return response.build();
  }

  public Job cancel(String jobId) {
    LiveJob job = find(jobId);
    Job cancelled = job.cancel(() -> scheduler.removeWaiting(jobId));
    runner.cancel(jobId);
    return cancelled;
  }

  /**
   * Queues the export of a job that failed at export again, on the CPU; returns the job. Not
   * refused for a full queue: the job was admitted once.
   */
  public Job retryExport(String jobId) {
    checkAccepting();
    LiveJob job = find(jobId);
    if (job.retryExport()) {
      schedule(job);
    }
    return job.snapshot();
  }

  public void watch(String jobId, ServerCallStreamObserver<JobEvent> stream) {
    checkAccepting();
    find(jobId).watch(stream);
  }

  /**
   * Takes back the stored jobs: waiting ones queue again in submission order, one that was running
   * when the trainer died resumes from its last checkpoint, one being cancelled is cancelled.
   */
  public void recover() throws IOException {
    List<Job> stored = store.loadAll().stream().sorted(NEWEST_FIRST.reversed()).toList();
    for (Job job : stored) {
      LiveJob live = new LiveJob(job, store);
      registry.add(live);
      switch (job.getState()) {
        case RUNNING -> {
          live.requeue("the trainer stopped while the job ran; it resumes from its last checkpoint",
              JobAttempt.End.TRAINER_STOPPED);
          schedule(live);
        }
        case QUEUED -> schedule(live);
        case CANCELLING -> live.cancelled("cancelled (the trainer stopped while the job was being cancelled)");
        default -> { }
      }
    }
    LOG.info(() -> "job store holds " + stored.size() + " jobs; " + scheduler.queueLength() + " waiting");
  }

  /** Refuses new submissions and watches from now on. */
  public void stopAccepting() {
    accepting = false;
  }

  /** Running jobs checkpoint at their next step and go back to the queue; jobs starting from now on too. */
  public void pauseRunning() {
    runner.pauseAll();
  }

  /** Ends the workers that did not pause in time; their jobs resume from their last checkpoints. */
  public void killRunning() {
    runner.killAll();
  }

  /** Ends every watch: clients should watch again once the trainer is back. */
  public void disconnectWatchers() {
    registry.all().forEach(j -> j.disconnectWatchers("the trainer is shutting down; jobs that did not end resume "
        + "when it starts again, watch them again then"));
  }

  private void schedule(LiveJob live) {
    if (live.snapshot().getExportable()) {
      // Only its export is left, and an export runs on the CPU.
      scheduler.enqueue(live.id(), DeviceKind.CPU, device -> runner.run(live, device));
      return;
    }
    // An unknown device value fails the job's validation when it starts; until then it waits like the default.
    DeviceRequest request = DeviceRequests.of(live.snapshot().getRequest().getTraining().getDevice())
        .orElse(DeviceRequest.PREFER_GPU);
    Optional<DeviceKind> kind = devices.place(request);
    if (kind.isEmpty()) {
      live.failed(JobFailures.noGpu(devices.describe()));
      return;
    }
    scheduler.enqueue(live.id(), kind.get(), device -> runner.run(live, device));
  }

  private LiveJob find(String jobId) {
    if (jobId.isEmpty()) {
      throw GrpcErrors.invalidArgument("job_id", "required");
    }
    if (jobId.length() > MAX_JOB_ID_LENGTH) {
      throw GrpcErrors.invalidArgument("job_id", Quoted.of(jobId) + " is not a job id (at most "
          + MAX_JOB_ID_LENGTH + " characters; SubmitJob and ListJobs return them)");
    }
    return registry.find(jobId).orElseThrow(() -> GrpcErrors.notFound("JOB_NOT_FOUND",
        "no job '" + jobId + "' on this trainer; ListJobs shows the known jobs"));
  }

  private static Job sameRequest(LiveJob earlier, SubmitJobRequest request) {
    Job job = earlier.snapshot();
    if (!job.getRequest().equals(request)) {
      throw GrpcErrors.alreadyExists("REQUEST_ID_REUSED", "request_id '" + request.getRequestId()
          + "' already created job " + job.getId() + " with a different request; use a new request_id");
    }
    return job;
  }

  private void checkAccepting() {
    if (!accepting) {
      throw GrpcErrors.unavailable("the trainer is shutting down; try again when it is back", Duration.ofSeconds(10));
    }
  }
}
