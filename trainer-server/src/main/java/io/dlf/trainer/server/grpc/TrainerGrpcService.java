package io.dlf.trainer.server.grpc;

import com.google.inject.Inject;
import com.google.inject.Singleton;
import io.dlf.proto.trainer.v1.CancelJobRequest;
import io.dlf.proto.trainer.v1.GetJobRequest;
import io.dlf.proto.trainer.v1.Job;
import io.dlf.proto.trainer.v1.JobEvent;
import io.dlf.proto.trainer.v1.ListJobsRequest;
import io.dlf.proto.trainer.v1.ListJobsResponse;
import io.dlf.proto.trainer.v1.RetryExportRequest;
import io.dlf.proto.trainer.v1.SubmitJobRequest;
import io.dlf.proto.trainer.v1.TrainerServiceGrpc;
import io.dlf.proto.trainer.v1.WatchJobRequest;
import io.dlf.server.GrpcErrors;
import io.dlf.server.auth.Access;
import io.dlf.trainer.server.auth.TrainerAccess;
import io.dlf.trainer.server.jobs.JobService;
import io.dlf.trainer.server.submit.DataAccess;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * TrainerService over gRPC: each call is a {@link JobService} call; errors become statuses. The auth interceptor
 * checked the method's role; here a job is recorded with its submitter, a caller reads only the data its roles
 * allow, and sees and cancels only its own jobs unless it has {@code jobs.admin}.
 */
@Singleton
final class TrainerGrpcService extends TrainerServiceGrpc.TrainerServiceImplBase {
  private static final Logger LOG = Logger.getLogger(TrainerGrpcService.class.getName());

  private final JobService jobs;
  private final DataAccess data;

  @Inject
  TrainerGrpcService(JobService jobs, DataAccess data) {
    this.jobs = jobs;
    this.data = data;
  }

  @Override
  public void submitJob(SubmitJobRequest request, StreamObserver<Job> response) {
    unary(response, () -> {
      Access access = Access.current();
      data.check(request.getDataset(), access);
      return jobs.submit(request, access.principal().name());
    });
  }

  @Override
  public void getJob(GetJobRequest request, StreamObserver<Job> response) {
    unary(response, () -> owned(jobs.get(request.getJobId()), "read"));
  }

  @Override
  public void listJobs(ListJobsRequest request, StreamObserver<ListJobsResponse> response) {
    unary(response, () -> {
      Access access = Access.current();
      return jobs.list(request, seesAll(access) ? Optional.empty() : Optional.of(access.principal().name()));
    });
  }

  @Override
  public void cancelJob(CancelJobRequest request, StreamObserver<Job> response) {
    unary(response, () -> {
      owned(jobs.get(request.getJobId()), "cancel");
      return jobs.cancel(request.getJobId());
    });
  }

  @Override
  public void retryExport(RetryExportRequest request, StreamObserver<Job> response) {
    unary(response, () -> {
      owned(jobs.get(request.getJobId()), "retry the export of");
      return jobs.retryExport(request.getJobId());
    });
  }

  @Override
  public void watchJob(WatchJobRequest request, StreamObserver<JobEvent> response) {
    try {
      owned(jobs.get(request.getJobId()), "watch");
      jobs.watch(request.getJobId(), (ServerCallStreamObserver<JobEvent>) response);
    } catch (RuntimeException e) {
      response.onError(status(e));
    }
  }

  /** {@code job}, if the caller submitted it or administers all jobs; else PERMISSION_DENIED, saying nothing of it. */
  private static Job owned(Job job, String verb) {
    Access access = Access.current();
    if (!mayTouch(access, job)) {
      throw access.denied(verb + " job " + job.getId() + ", which another principal submitted", TrainerAccess.ADMIN);
    }
    return job;
  }

  private static boolean mayTouch(Access access, Job job) {
    return seesAll(access) || job.getSubmittedBy().equals(access.principal().name());
  }

  private static boolean seesAll(Access access) {
    return access.isUnrestricted() || access.has(TrainerAccess.ADMIN);
  }

  private static <T> void unary(StreamObserver<T> response, Supplier<T> call) {
    T result;
    try {
      result = call.get();
    } catch (RuntimeException e) {
      response.onError(status(e));
      return;
    }
    response.onNext(result);
    response.onCompleted();
  }

  /** Statuses pass through; anything else is a bug, logged here and reported without internals. */
  private static StatusRuntimeException status(RuntimeException e) {
    if (e instanceof StatusRuntimeException status) {
      return status;
    }
    LOG.log(Level.SEVERE, "unexpected error in a TrainerService call", e);
    return GrpcErrors.internal("internal error (" + e.getClass().getSimpleName() + "); the trainer's log has details");
  }
}
