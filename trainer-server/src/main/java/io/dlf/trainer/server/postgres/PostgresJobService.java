package io.dlf.trainer.server.postgres;

import com.google.inject.Inject;
import com.google.inject.Singleton;
import com.google.protobuf.util.Timestamps;
import io.dlf.proto.trainer.v1.Job;
import io.dlf.proto.trainer.v1.JobEvent;
import io.dlf.proto.trainer.v1.JobState;
import io.dlf.proto.trainer.v1.ListJobsRequest;
import io.dlf.proto.trainer.v1.ListJobsResponse;
import io.dlf.proto.trainer.v1.SubmitJobRequest;
import io.dlf.server.GrpcErrors;
import io.dlf.trainer.server.TrainerServerConfig;
import io.dlf.trainer.server.devices.DeviceKind;
import io.dlf.trainer.server.jobs.JobChange;
import io.dlf.trainer.server.jobs.JobFailures;
import io.dlf.trainer.server.jobs.JobIds;
import io.dlf.trainer.server.jobs.JobService;
import io.dlf.trainer.server.jobs.JobTransitions;
import io.dlf.trainer.server.jobs.LocalJobService;
import io.dlf.trainer.server.jobs.PageToken;
import io.dlf.trainer.server.submit.ClusterAdmission;
import io.dlf.trainer.server.submit.JobPlan;
import io.dlf.trainer.server.submit.RequestedCluster;
import io.dlf.trainer.server.submit.SubmissionValidator;
import io.grpc.stub.ServerCallStreamObserver;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * TrainerService over the shared database: a control plane keeps nothing of its own, so any
 * control plane answers for any job. Submissions are serialized by a transaction-scoped advisory
 * lock (the queue bound and request ids hold across control planes); a cancel of a running job
 * marks it CANCELLING, which the worker host running it reads at its next heartbeat; an export retry
 * queues the job again for a CPU slot.
 */
@Singleton
public final class PostgresJobService implements JobService {
  /** Serializes submissions across control planes (an arbitrary key of this application). */
  private static final long SUBMIT_LOCK = 0x646c665f73756dL;

  private final JobDatabase database;
  private final SubmissionValidator validator;
  private final JobEventFeed feed;
  private final int queueCapacity;
  private volatile boolean accepting = true;

  @Inject
  PostgresJobService(JobDatabase database, SubmissionValidator validator, JobEventFeed feed,
      TrainerServerConfig config) {
    this.database = database;
    this.validator = validator;
    this.feed = feed;
    this.queueCapacity = config.queueCapacity();
  }

  @Override
  public Job submit(SubmitJobRequest request, String submittedBy) {
    checkAccepting();
    JobPlan plan = validator.validate(request);
    return database.call("store the job (it may or may not be stored: submit again with the same request_id to "
        + "be sure)", connection -> {
          try (PreparedStatement lock = connection.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
            lock.setLong(1, SUBMIT_LOCK);
            lock.executeQuery().close();
          }
          if (!request.getRequestId().isEmpty()) {
            Optional<Job> earlier = findByRequestId(connection, request.getRequestId());
            if (earlier.isPresent()) {
              return JobTransitions.sameRequest(earlier.get(), request, submittedBy);
            }
          }
          HostSlots slots = HostSlots.live(connection);
          DeviceKind kind = slots.place(plan.device()).orElseThrow(() -> GrpcErrors.failedPrecondition("NO_GPU",
              JobFailures.noGpu("no worker host that is up has a GPU").getMessage()));
          // a cluster's tasks run on the host that leases it, or over the hosts that share tasks
          ClusterAdmission.check(plan.cluster(), slots.forOneJob(kind), "the worker hosts that are up (the largest "
              + "alone, or those sharing tasks through --cluster-address together)");
          QueueDepth depth = QueueDepth.of(connection, kind);
          if (!depth.canAccept(slots.slots(kind), queueCapacity)) {
            throw GrpcErrors.resourceExhausted("the trainers' queue is full (" + depth.queued()
                + " jobs waiting); submit again later", LocalJobService.RETRY_WHEN_FULL);
          }
          Job job = JobTransitions.submitted(UUID.randomUUID().toString(), request, submittedBy, plan.modelName(),
              kind, JobTransitions.now());
          insert(connection, job, kind, RequestedCluster.jobSlots(request.getTraining()));
          return job;
        });
  }

  @Override
  public Job get(String jobId) {
    JobIds.check(jobId);
    return database.call("read job " + jobId, connection -> JobRows.find(connection, jobId))
        .orElseThrow(() -> JobIds.notFound(jobId)).job();
  }

  /** Keyset pagination on creation time and id. */
  @Override
  public ListJobsResponse list(ListJobsRequest request, Optional<String> submittedBy) {
    int pageSize = PageToken.pageSize(request);
    Optional<PageToken> after = PageToken.parse(request.getPageToken());
    List<Job> page = database.call("list jobs", connection -> {
      try (PreparedStatement select = connection.prepareStatement("SELECT job FROM jobs "
          + "WHERE (cardinality(?::text[]) = 0 OR state = ANY(?::text[])) AND (? OR (created_nanos, id) < (?, ?)) "
          + "AND (? OR submitted_by = ?) ORDER BY created_nanos DESC, id DESC LIMIT ?")) {
        Array states = connection.createArrayOf("text",
            request.getStatesList().stream().map(JobState::name).toArray());
        select.setArray(1, states);
        select.setArray(2, states);
        select.setBoolean(3, after.isEmpty());
        select.setLong(4, after.map(PageToken::createNanos).orElse(0L));
        select.setString(5, after.map(PageToken::jobId).orElse(""));
        select.setBoolean(6, submittedBy.isEmpty());
        select.setString(7, submittedBy.orElse(""));
        select.setInt(8, pageSize + 1);
        List<Job> jobs = new ArrayList<>();
        try (ResultSet rows = select.executeQuery()) {
          while (rows.next()) {
            jobs.add(JobRows.parse(rows.getBytes(1)));
          }
        }
        return jobs;
      }
    });
    ListJobsResponse.Builder response = ListJobsResponse.newBuilder()
        .addAllJobs(page.subList(0, Math.min(pageSize, page.size())));
    if (page.size() > pageSize) {
      response.setNextPageToken(PageToken.of(page.get(pageSize - 1)).encode());
    }
    return response.build();
  }

  /** A queued job is never leased, so it is cancelled at once; a running one goes CANCELLING. */
  @Override
  public Job cancel(String jobId) {
    JobIds.check(jobId);
    return database.call("cancel job " + jobId, connection -> {
      StoredJob stored = JobRows.lock(connection, jobId).orElseThrow(() -> JobIds.notFound(jobId));
      Job job = stored.job();
      JobChange change = JobTransitions.cancel(job, JobTransitions.now(), job.getState() == JobState.QUEUED);
      if (change.job() != job) {
        JobRows.write(connection, stored, change);
      }
      return change.job();
    });
  }

  /**
   * The job goes back to the shared queue for one CPU slot (an export runs on the CPU, in one process
   * even for a cluster job); a worker host leases it like any job and runs its export only. A job
   * whose retry already waits or runs is returned as it is.
   */
  @Override
  public Job retryExport(String jobId) {
    checkAccepting();
    JobIds.check(jobId);
    return database.call("queue the export of job " + jobId + " again", connection -> {
      StoredJob stored = JobRows.lock(connection, jobId).orElseThrow(() -> JobIds.notFound(jobId));
      Job job = stored.job();
      JobChange change = JobTransitions.retryExport(job, JobTransitions.now());
      if (change.job() != job) {
        JobRows.write(connection, stored, change);
        JobRows.queueForExport(connection, jobId);
      }
      return change.job();
    });
  }

  @Override
  public void watch(String jobId, ServerCallStreamObserver<JobEvent> stream) {
    checkAccepting();
    JobIds.check(jobId);
    StoredJob stored = database.call("read job " + jobId, connection -> JobRows.find(connection, jobId))
        .orElseThrow(() -> JobIds.notFound(jobId));
    feed.follow(stored, stream);
  }

  @Override
  public void start() {
    feed.start();
  }

  @Override
  public void stopAccepting() {
    accepting = false;
  }

  @Override
  public void disconnectWatchers() {
    feed.disconnectAll("the trainer control plane is shutting down; watch again through another one, or when it "
        + "is back");
  }

  private static Optional<Job> findByRequestId(Connection connection, String requestId) throws SQLException {
    try (PreparedStatement select = connection.prepareStatement("SELECT job FROM jobs WHERE request_id = ?")) {
      select.setString(1, requestId);
      try (ResultSet row = select.executeQuery()) {
        return row.next() ? Optional.of(JobRows.parse(row.getBytes(1))) : Optional.empty();
      }
    }
  }

  private static void insert(Connection connection, Job job, DeviceKind kind, int slots) throws SQLException {
    try (PreparedStatement insert = connection.prepareStatement("INSERT INTO jobs (id, request_id, state, "
        + "device_kind, slots, created_nanos, submitted_by, job) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
      insert.setString(1, job.getId());
      String requestId = job.getRequest().getRequestId();
      insert.setString(2, requestId.isEmpty() ? null : requestId);
      insert.setString(3, job.getState().name());
      insert.setString(4, kind.name());
      insert.setInt(5, slots);
      insert.setLong(6, Timestamps.toNanos(job.getCreateTime()));
      insert.setString(7, job.getSubmittedBy());
      insert.setBytes(8, job.toByteArray());
      insert.executeUpdate();
    }
  }

  private void checkAccepting() {
    if (!accepting) {
      throw GrpcErrors.unavailable("the trainer is shutting down; try again when it is back, or through another "
          + "control plane", Duration.ofSeconds(10));
    }
  }
}
