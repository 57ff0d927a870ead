package io.dlf.trainer.server.auth;

import io.dlf.proto.trainer.v1.CancelJobRequest;
import io.dlf.proto.trainer.v1.Job;
import io.dlf.proto.trainer.v1.RetryExportRequest;
import io.dlf.proto.trainer.v1.SubmitJobRequest;
import io.dlf.proto.trainer.v1.TrainerServiceGrpc;
import io.dlf.server.audit.AuditTarget;
import io.dlf.server.auth.AccessRules;
import io.dlf.server.auth.MethodRule;
import io.dlf.server.auth.Role;
import java.util.List;
import java.util.Map;

/** The trainer's roles, what each TrainerService method needs, and the calls its audit log records. */
public final class TrainerAccess {
  public static final String SUBMIT = "jobs.submit";
  public static final String READ = "jobs.read";
  public static final String CANCEL = "jobs.cancel";
  public static final String ADMIN = "jobs.admin";
  public static final String DATA = "data";

  public static final AccessRules RULES = new AccessRules("trainer", List.of(
      Role.plain(SUBMIT),             // SubmitJob; RetryExport of its own jobs
      Role.plain(READ),               // GetJob, ListJobs, WatchJob: its own jobs
      Role.plain(CANCEL),             // CancelJob: its own jobs
      Role.plain(ADMIN, READ, CANCEL), // every job, not just its own
      Role.path(DATA)),               // the files a job reads, under a folder
      Map.of(
          TrainerServiceGrpc.getSubmitJobMethod().getFullMethodName(), MethodRule.role(SUBMIT),
          TrainerServiceGrpc.getGetJobMethod().getFullMethodName(), MethodRule.role(READ),
          TrainerServiceGrpc.getListJobsMethod().getFullMethodName(), MethodRule.role(READ),
          TrainerServiceGrpc.getWatchJobMethod().getFullMethodName(), MethodRule.role(READ),
          TrainerServiceGrpc.getCancelJobMethod().getFullMethodName(), MethodRule.role(CANCEL),
          TrainerServiceGrpc.getRetryExportMethod().getFullMethodName(), MethodRule.role(SUBMIT)));

  public static final Map<String, AuditTarget<?, ?>> AUDITED = Map.of(
      TrainerServiceGrpc.getSubmitJobMethod().getFullMethodName(), (AuditTarget<SubmitJobRequest, Job>)
          (request, job) -> job != null ? "job=" + job.getId() + " model=" + job.getModelName()
              : request == null ? "-" : "model=" + (request.getExport().getModelName().isEmpty()
                  ? request.getModelSpec().getName() : request.getExport().getModelName()),
      TrainerServiceGrpc.getCancelJobMethod().getFullMethodName(), (AuditTarget<CancelJobRequest, Job>)
          (request, job) -> request == null ? "-" : "job=" + request.getJobId(),
      TrainerServiceGrpc.getRetryExportMethod().getFullMethodName(), (AuditTarget<RetryExportRequest, Job>)
          (request, job) -> request == null ? "-" : "job=" + request.getJobId());

  private TrainerAccess() {}
}
