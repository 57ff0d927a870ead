package io.dlf.trainer.server.jobs;

import io.dlf.dsl.spec.Quoted;
import io.dlf.server.GrpcErrors;

/** Checks a job id from a request before it is looked up. */
public final class JobIds {
  /** Job ids are UUIDs (36 characters); a longer id names no job. */
  private static final int MAX_LENGTH = 64;

  private JobIds() {}

  /** @throws io.grpc.StatusRuntimeException INVALID_ARGUMENT for an empty or overlong id */
  public static String check(String jobId) {
    if (jobId.isEmpty()) {
      throw GrpcErrors.invalidArgument("job_id", "required");
    }
    if (jobId.length() > MAX_LENGTH) {
      throw GrpcErrors.invalidArgument("job_id", Quoted.of(jobId) + " is not a job id (at most "
          + MAX_LENGTH + " characters; SubmitJob and ListJobs return them)");
    }
    return jobId;
  }

  public static io.grpc.StatusRuntimeException notFound(String jobId) {
    return GrpcErrors.notFound("JOB_NOT_FOUND", "no job '" + jobId + "' on this trainer; ListJobs shows the known jobs");
  }
}
