package io.dlf.client;

import io.dlf.dsl.codec.SpecProtos;
import io.dlf.dsl.spec.ModelSpec;
import io.dlf.proto.trainer.v1.CancelJobRequest;
import io.dlf.proto.trainer.v1.DatasetRef;
import io.dlf.proto.trainer.v1.GetJobRequest;
import io.dlf.proto.trainer.v1.Job;
import io.dlf.proto.trainer.v1.JobEvent;
import io.dlf.proto.trainer.v1.JobState;
import io.dlf.proto.trainer.v1.ListJobsRequest;
import io.dlf.proto.trainer.v1.ListJobsResponse;
import io.dlf.proto.trainer.v1.RetryExportRequest;
import io.dlf.proto.trainer.v1.SubmitJobRequest;
import io.dlf.proto.trainer.v1.TrainerServiceGrpc;
import io.dlf.proto.trainer.v1.TrainingSettings;
import io.dlf.proto.trainer.v1.WatchJobRequest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Submits, follows and cancels training jobs on a trainer server, and retries their failed exports.
 *
 * <p>Retried on UNAVAILABLE: GetJob, ListJobs and WatchJob (reads), and SubmitJob, because every
 * submission carries an idempotency key ({@code request_id}; one is drawn when the caller set none),
 * so a repeat returns the job the first attempt created. CancelJob and RetryExport are not retried:
 * a second call after the first one's job ended answers FAILED_PRECONDITION, which would hide the
 * first's success.
 */
public final class TrainerClient implements AutoCloseable {
  /** The trainer server's default address. */
  public static final Target DEFAULT_TARGET = new Target("localhost", 7070);

  static final List<String> RETRYABLE = List.of(
      TrainerServiceGrpc.getSubmitJobMethod().getFullMethodName(),
      TrainerServiceGrpc.getGetJobMethod().getFullMethodName(),
      TrainerServiceGrpc.getListJobsMethod().getFullMethodName(),
      TrainerServiceGrpc.getWatchJobMethod().getFullMethodName());

  private final Connection connection;
  private final TrainerServiceGrpc.TrainerServiceBlockingStub blocking;
  private final TrainerServiceGrpc.TrainerServiceStub async;

  private TrainerClient(Connection connection) {
    this.connection = connection;
    this.blocking = TrainerServiceGrpc.newBlockingStub(connection.channel());
    this.async = TrainerServiceGrpc.newStub(connection.channel());
  }

  public static ClientBuilder<TrainerClient> builder() {
    return new ClientBuilder<>("trainer", DEFAULT_TARGET, RETRYABLE, TrainerClient::new);
  }

  public Target target() {
    return connection.target();
  }

  /** Queues a job; the request gets a fresh {@code request_id} when it has none, so retries are safe. */
  public Job submit(SubmitJobRequest request) {
    SubmitJobRequest keyed = request.getRequestId().isEmpty()
        ? request.toBuilder().setRequestId(UUID.randomUUID().toString()).build()
        : request;
    return connection.call(blocking, TrainerServiceGrpc.getSubmitJobMethod(), s -> s.submitJob(keyed));
  }

  /** Queues a job training a DSL-built spec. */
  public Job submit(ModelSpec spec, DatasetRef dataset, TrainingSettings training) {
    return submit(SubmitJobRequest.newBuilder().setModelSpec(SpecProtos.toProto(spec)).setDataset(dataset)
        .setTraining(training).build());
  }

  public Job job(String jobId) {
    GetJobRequest request = GetJobRequest.newBuilder().setJobId(jobId).build();
    return connection.call(blocking, TrainerServiceGrpc.getGetJobMethod(), s -> s.getJob(request));
  }

  public ListJobsResponse listJobs(ListJobsRequest request) {
    return connection.call(blocking, TrainerServiceGrpc.getListJobsMethod(), s -> s.listJobs(request));
  }

  /** Every job in one of {@code states} (all jobs when none are given), newest first, page by page. */
  public List<Job> jobs(JobState... states) {
    List<Job> jobs = new ArrayList<>();
    ListJobsRequest.Builder request = ListJobsRequest.newBuilder().addAllStates(Arrays.asList(states));
    do {
      ListJobsResponse page = listJobs(request.build());
      jobs.addAll(page.getJobsList());
      request.setPageToken(page.getNextPageToken());
    } while (!request.getPageToken().isEmpty());
    return jobs;
  }

  public Job cancel(String jobId) {
    CancelJobRequest request = CancelJobRequest.newBuilder().setJobId(jobId).build();
    return connection.call(blocking, TrainerServiceGrpc.getCancelJobMethod(), s -> s.cancelJob(request));
  }

  /**
   * Exports again the trained model of a job whose export failed ({@code Job.exportable}), once
   * its cause (a full disk, a folder the trainer may not write) is gone; returns the job, queued.
   */
  public Job retryExport(String jobId) {
    RetryExportRequest request = RetryExportRequest.newBuilder().setJobId(jobId).build();
    return connection.call(blocking, TrainerServiceGrpc.getRetryExportMethod(), s -> s.retryExport(request));
  }

  /**
   * Starts watching a job: a snapshot of the job first, then every change until it ends. Events go
   * to {@code listener} on a gRPC thread, one at a time.
   */
  public JobWatch watch(String jobId, Consumer<JobEvent> listener) {
    JobWatch watch = new JobWatch();
    connection.streaming(async).watchJob(WatchJobRequest.newBuilder().setJobId(jobId).build(),
        watch.observer(listener, e -> connection.failure(TrainerServiceGrpc.getWatchJobMethod(), e)));
    return watch;
  }

  @Override
  public void close() {
    connection.close();
  }
}
