package io.dlf.trainer.server.auth;

import io.dlf.proto.trainer.v1.CancelJobRequest;
import io.dlf.proto.trainer.v1.Job;
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
      Role.plain(SUBMIT, "submit jobs"),
      Role.plain(READ, "get, list and watch its own jobs"),
      Role.plain(CANCEL, "cancel its own jobs"),
      Role.plain(ADMIN, "read and cancel every job", READ, CANCEL),
      Role.path(DATA, "read datasets under a folder of the data roots")),
      Map.of(
          TrainerServiceGrpc.getSubmitJobMethod().getFullMethodName(), MethodRule.role(SUBMIT),
          TrainerServiceGrpc.getGetJobMethod().getFullMethodName(), MethodRule.role(READ),
          TrainerServiceGrpc.getListJobsMethod().getFullMethodName(), MethodRule.role(READ),
          TrainerServiceGrpc.getWatchJobMethod().getFullMethodName(), MethodRule.role(READ),
          TrainerServiceGrpc.getCancelJobMethod().getFullMethodName(), MethodRule.role(CANCEL)));

  public static final Map<String, AuditTarget<?, ?>> AUDITED = Map.of(
      TrainerServiceGrpc.getSubmitJobMethod().getFullMethodName(), (AuditTarget<SubmitJobRequest, Job>)
          (request, job) -> job != null ? "job=" + job.getId() + " model=" + job.getModelName()
              : request == null ? "-" : "model=" + (request.getExport().getModelName().isEmpty()
                  ? request.getModelSpec().getName() : request.getExport().getModelName()),
      TrainerServiceGrpc.getCancelJobMethod().getFullMethodName(), (AuditTarget<CancelJobRequest, Job>)
          (request, job) -> request == null ? "-" : "job=" + request.getJobId());

  private TrainerAccess() {}
}
