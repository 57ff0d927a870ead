package io.dlf.trainer.server.jobs;

import com.google.inject.Inject;
import com.google.inject.Singleton;
import com.google.protobuf.util.Timestamps;
import io.dlf.proto.trainer.v1.Job;
import io.dlf.proto.trainer.v1.JobAttempt;
import io.dlf.proto.trainer.v1.JobEvent;
import io.dlf.proto.trainer.v1.ListJobsRequest;
import io.dlf.proto.trainer.v1.ListJobsResponse;
import io.dlf.proto.trainer.v1.SubmitJobRequest;
import io.dlf.server.GrpcErrors;
import io.dlf.trainer.job.CpuFeatures;
import io.dlf.trainer.server.devices.DeviceInventory;
import io.dlf.trainer.server.devices.DeviceKind;
import io.dlf.trainer.server.devices.DeviceRequest;
import io.dlf.trainer.server.scheduling.JobScheduler;
import io.dlf.trainer.server.store.JobStore;
import io.dlf.trainer.server.submit.ClusterAdmission;
import io.dlf.trainer.server.submit.DeviceRequests;
import io.dlf.trainer.server.submit.JobPlan;
import io.dlf.trainer.server.submit.RequestedCluster;
import io.dlf.trainer.server.submit.SubmissionValidator;
import io.grpc.stub.ServerCallStreamObserver;
import java.io.IOException;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.logging.Logger;

/**
 * Jobs in an embedded trainer: records in memory and in its job store, the local scheduler's queue,
 * and on start-up the jobs a previous run left.
 */
@Singleton
public final class LocalJobService implements JobService {
  private static final Logger LOG = Logger.getLogger(LocalJobService.class.getName());
  /** How long a client should wait before submitting again to a full queue. */
  public static final Duration RETRY_WHEN_FULL = Duration.ofSeconds(30);
  private static final Comparator<Job> NEWEST_FIRST = Comparator
      .comparing((Job j) -> Timestamps.toNanos(j.getCreateTime())).thenComparing(Job::getId).reversed();

  private final JobRegistry registry;
  private final JobStore store;
  private final SubmissionValidator validator;
  private final JobScheduler scheduler;
  private final JobRunner runner;
  private final DeviceInventory devices;
  private final CpuFeatures cpu;
  private final Object admission = new Object();
  private volatile boolean accepting = true;

  /** The validator comes first: Guice builds it (and checks the data roots) before the store locks its folder. */
  @Inject
  LocalJobService(SubmissionValidator validator, JobRegistry registry, JobStore store, JobScheduler scheduler,
      JobRunner runner, DeviceInventory devices, CpuFeatures cpu) {
    this.registry = registry;
    this.store = store;
    this.validator = validator;
    this.scheduler = scheduler;
    this.runner = runner;
    this.devices = devices;
    this.cpu = cpu;
  }

  @Override
  public Job submit(SubmitJobRequest request, String submittedBy) {
    checkAccepting();
    JobPlan plan = validator.validate(request);
    DeviceKind kind = devices.place(plan.device()).orElseThrow(() -> GrpcErrors.failedPrecondition("NO_GPU",
        JobFailures.noGpu(devices.describe()).getMessage()));
    if (kind == DeviceKind.CPU) {
      cpu.refusal(plan.options().precision()).ifPresent(reason -> {
        throw GrpcErrors.failedPrecondition("NO_BFLOAT16_CPU", reason);
      });
    }
    // a cluster's tasks run side by side on one device: the largest of the kind bounds the shape
    ClusterAdmission.check(plan.cluster(), scheduler.slots().entrySet().stream()
        .filter(slots -> slots.getKey().kind() == kind).mapToLong(Map.Entry::getValue).max().orElse(0),
        "this trainer");
    synchronized (admission) {
      checkAccepting();
      if (!request.getRequestId().isEmpty()) {
        Optional<LiveJob> earlier = registry.findByRequestId(request.getRequestId());
        if (earlier.isPresent()) {
          return JobTransitions.sameRequest(earlier.get().snapshot(), request, submittedBy);
        }
      }
      if (!scheduler.canAccept(kind)) {
        throw GrpcErrors.resourceExhausted("the trainer's queue is full (" + scheduler.queueLength()
            + " jobs waiting); submit again later", RETRY_WHEN_FULL);
      }
      Job job = JobTransitions.submitted(UUID.randomUUID().toString(), request, submittedBy, plan.modelName(),
          kind, JobTransitions.now());
      try {
        store.save(job);
      } catch (IOException e) {
        throw GrpcErrors.unavailable("the trainer could not store the job (" + e.getMessage() + "); nothing was "
            + "queued, submit again", RETRY_WHEN_FULL);
      }
      LiveJob live = new LiveJob(job, store);
      registry.add(live);
      enqueue(live, kind);
      return job;
    }
  }

  @Override
  public Job get(String jobId) {
    return find(jobId).snapshot();
  }

  @Override
  public ListJobsResponse list(ListJobsRequest request, Optional<String> submittedBy) {
    int pageSize = PageToken.pageSize(request);
    Optional<PageToken> after = PageToken.parse(request.getPageToken());
    List<Job> matching = registry.all().stream()
        .map(LiveJob::snapshot)
        .filter(j -> submittedBy.map(j.getSubmittedBy()::equals).orElse(true))
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

  @Override
  public Job cancel(String jobId) {
    LiveJob job = find(jobId);
    Job cancelled = job.cancel(() -> scheduler.removeWaiting(jobId));
    runner.cancel(jobId);
    return cancelled;
  }

  @Override
  public Job retryExport(String jobId) {
    checkAccepting();
    LiveJob job = find(jobId);
    if (job.retryExport()) {
      schedule(job);
    }
    return job.snapshot();
  }

  @Override
  public void watch(String jobId, ServerCallStreamObserver<JobEvent> stream) {
    checkAccepting();
    find(jobId).watch(stream);
  }

  /**
   * Takes back the stored jobs: waiting ones queue again in submission order, one that was running
   * when the trainer died resumes from its last checkpoint, one being cancelled is cancelled.
   */
  @Override
  public void start() throws IOException {
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

  @Override
  public void stopAccepting() {
    accepting = false;
  }

  @Override
  public void disconnectWatchers() {
    registry.all().forEach(j -> j.disconnectWatchers("the trainer is shutting down; jobs that did not end resume "
        + "when it starts again, watch them again then"));
  }

  private void schedule(LiveJob live) {
    if (live.snapshot().getExportable()) {
      // Only its export is left, and an export runs on the CPU.
      enqueue(live, DeviceKind.CPU);
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
    enqueue(live, kind.get());
  }

  /** Queues the job for a slot of {@code kind}, and again each time its worker dies with attempts left. */
  private void enqueue(LiveJob live, DeviceKind kind) {
    int slots = RequestedCluster.jobSlots(live.snapshot().getRequest().getTraining());
    scheduler.enqueue(live.id(), kind, slots, device -> {
      if (runner.run(live, device) == JobRunner.Outcome.RETRY) {
        enqueue(live, kind);
      }
    });
  }

  private LiveJob find(String jobId) {
    return registry.find(JobIds.check(jobId)).orElseThrow(() -> JobIds.notFound(jobId));
  }

  private void checkAccepting() {
    if (!accepting) {
      throw GrpcErrors.unavailable("the trainer is shutting down; try again when it is back", Duration.ofSeconds(10));
    }
  }
}
