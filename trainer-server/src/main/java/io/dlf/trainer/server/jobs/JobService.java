package io.dlf.trainer.server.jobs;

import io.dlf.proto.trainer.v1.Job;
import io.dlf.proto.trainer.v1.JobEvent;
import io.dlf.proto.trainer.v1.ListJobsRequest;
import io.dlf.proto.trainer.v1.ListJobsResponse;
import io.dlf.proto.trainer.v1.SubmitJobRequest;
import io.grpc.stub.ServerCallStreamObserver;
import java.io.IOException;
import java.util.Optional;

/**
 * What TrainerService does with jobs: accepts them (durably, before answering), looks them up,
 * lists, cancels and streams them, and retries failed exports. {@link LocalJobService} keeps them in
 * this process; {@code PostgresJobService} in a database that several trainers share. Errors are
 * gRPC statuses.
 */
public interface JobService {

  /**
   * Validates, stores and queues a job; returns it as stored.
   *
   * @param submittedBy the principal submitting it (empty: the trainer authenticates nobody); a repeated
   *     request_id finds only this principal's earlier job
   */
  Job submit(SubmitJobRequest request, String submittedBy);

  Job get(String jobId);

  /**
   * Newest first, filtered by state, one page at a time.
   *
   * @param submittedBy only the jobs this principal submitted; empty: every job
   */
  ListJobsResponse list(ListJobsRequest request, Optional<String> submittedBy);

  Job cancel(String jobId);

  /**
   * Queues the export of a job that failed at export (Job.exportable) again, on the CPU; returns the
   * job. A job whose retry already waits or runs is returned as it is. Not refused for a full queue:
   * the job was admitted once.
   *
   * @throws io.grpc.StatusRuntimeException FAILED_PRECONDITION (JOB_NOT_EXPORTABLE) for a job with no
   *     trained model to export
   */
  Job retryExport(String jobId);

  /** Sends the job as it stands, then every change until it ends. */
  void watch(String jobId, ServerCallStreamObserver<JobEvent> stream);

  /** Before the server listens: takes back what a previous run left, starts what follows jobs. */
  void start() throws IOException;

  /** Refuses new submissions and watches from now on. */
  void stopAccepting();

  /** Ends every watch: clients should watch again once the trainer is back. */
  void disconnectWatchers();
}
