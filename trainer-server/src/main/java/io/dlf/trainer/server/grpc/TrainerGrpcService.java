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
import io.dlf.trainer.server.jobs.JobService;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/** TrainerService over gRPC: each call is a {@link JobService} call; errors become statuses. */
@Singleton
final class TrainerGrpcService extends TrainerServiceGrpc.TrainerServiceImplBase {
  private static final Logger LOG = Logger.getLogger(TrainerGrpcService.class.getName());

  private final JobService jobs;

  @Inject
  TrainerGrpcService(JobService jobs) {
    this.jobs = jobs;
  }

  @Override
  public void submitJob(SubmitJobRequest request, StreamObserver<Job> response) {
    unary(response, () -> jobs.submit(request));
  }

  @Override
  public void getJob(GetJobRequest request, StreamObserver<Job> response) {
    unary(response, () -> jobs.get(request.getJobId()));
  }

  @Override
  public void listJobs(ListJobsRequest request, StreamObserver<ListJobsResponse> response) {
    unary(response, () -> jobs.list(request));
  }

  @Override
  public void cancelJob(CancelJobRequest request, StreamObserver<Job> response) {
    unary(response, () -> jobs.cancel(request.getJobId()));
  }

  @Override
  public void retryExport(RetryExportRequest request, StreamObserver<Job> response) {
    unary(response, () -> jobs.retryExport(request.getJobId()));
  }

  @Override
  public void watchJob(WatchJobRequest request, StreamObserver<JobEvent> response) {
    try {
      jobs.watch(request.getJobId(), (ServerCallStreamObserver<JobEvent>) response);
    } catch (RuntimeException e) {
      response.onError(status(e));
    }
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
