package io.dlf.trainer.server;

import static io.dlf.server.testing.SecureSetup.code;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import io.dlf.proto.trainer.v1.CancelJobRequest;
import io.dlf.proto.trainer.v1.GetJobRequest;
import io.dlf.proto.trainer.v1.Job;
import io.dlf.proto.trainer.v1.JobState;
import io.dlf.proto.trainer.v1.ListJobsRequest;
import io.dlf.proto.trainer.v1.RetryExportRequest;
import io.dlf.proto.trainer.v1.SubmitJobRequest;
import io.dlf.proto.trainer.v1.TrainerServiceGrpc;
import io.dlf.proto.trainer.v1.TrainerServiceGrpc.TrainerServiceBlockingStub;
import io.dlf.proto.trainer.v1.WatchJobRequest;
import io.dlf.server.testing.AuditCapture;
import io.dlf.server.testing.Bearer;
import io.dlf.server.testing.SecureSetup;
import io.dlf.server.testing.SecureSetup.Caller;
import io.dlf.trainer.server.auth.TrainerAccess;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Status.Code;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * A trainer with JWTs, client certificates (TLS on loopback) and a policy file: every RPC against every kind of
 * caller, a principal's jobs hidden from the others, data read only under the principal's folders, and the audit
 * lines of submissions and cancellations.
 */
@Tag("e2e")
class TrainerAuthTest {
  @TempDir
  static Path dir;
  private static SecureSetup setup;
  private static Path root;
  private TrainerServer server;

  @BeforeAll
  static void writeDataAndCredentials() throws Exception {
    root = dir.resolve("data");
    GeneratedData.write(root, "gen", 500);
    root = root.toRealPath();
    setup = SecureSetup.create(dir.resolve("auth"), List.of(
        "# the matrix's principal with every role, and one per role below",
        "alice = jobs.submit, jobs.read, jobs.cancel, data:" + root.resolve("gen"),
        "bob = jobs.submit, jobs.read, jobs.cancel, data:" + root.resolve("elsewhere"),
        "ops = jobs.admin"));
  }

  @AfterAll
  static void closeChannels() {
    setup.close();
  }

  /** A new trainer for each test, so that each starts with no jobs. */
  @BeforeEach
  void start(@TempDir Path trainerDir) throws Exception {
    server = TrainerServer.create(config(RunningTrainer.config(trainerDir, root)), setup.grpc(), setup.auth());
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop();
  }

  /** The embedded trainer; subclasses put its jobs elsewhere. */
  protected TrainerServerConfig config(TrainerServerConfig embedded) {
    return embedded;
  }

  private TrainerServiceBlockingStub stub(String token, String certificate) throws Exception {
    ManagedChannel channel = setup.channel("localhost:" + server.port(), certificate);
    TrainerServiceBlockingStub stub = TrainerServiceGrpc.newBlockingStub(channel)
        .withDeadlineAfter(30, TimeUnit.SECONDS);
    return token == null ? stub : stub.withCallCredentials(new Bearer(token));
  }

  private TrainerServiceBlockingStub as(String principal) throws Exception {
    return stub(setup.tokens().jwt(principal), null);
  }

  /** Each RPC with a request that passes authorization and then fails (or not) in the service, and its answer. */
  private static final Map<MethodDescriptor<?, ?>, Consumer<TrainerServiceBlockingStub>> CALLS = new LinkedHashMap<>();
  private static final Map<MethodDescriptor<?, ?>, Code> WITH_ROLE = new LinkedHashMap<>();

  static {
    CALLS.put(TrainerServiceGrpc.getSubmitJobMethod(), s -> s.submitJob(SubmitJobRequest.getDefaultInstance()));
    WITH_ROLE.put(TrainerServiceGrpc.getSubmitJobMethod(), Code.INVALID_ARGUMENT);
    CALLS.put(TrainerServiceGrpc.getGetJobMethod(), s -> s.getJob(GetJobRequest.newBuilder().setJobId("none").build()));
    WITH_ROLE.put(TrainerServiceGrpc.getGetJobMethod(), Code.NOT_FOUND);
    CALLS.put(TrainerServiceGrpc.getListJobsMethod(), s -> s.listJobs(ListJobsRequest.getDefaultInstance()));
    WITH_ROLE.put(TrainerServiceGrpc.getListJobsMethod(), Code.OK);
    CALLS.put(TrainerServiceGrpc.getCancelJobMethod(),
        s -> s.cancelJob(CancelJobRequest.newBuilder().setJobId("none").build()));
    WITH_ROLE.put(TrainerServiceGrpc.getCancelJobMethod(), Code.NOT_FOUND);
    CALLS.put(TrainerServiceGrpc.getWatchJobMethod(),
        s -> s.watchJob(WatchJobRequest.newBuilder().setJobId("none").build()).hasNext());
    WITH_ROLE.put(TrainerServiceGrpc.getWatchJobMethod(), Code.NOT_FOUND);
    CALLS.put(TrainerServiceGrpc.getRetryExportMethod(),
        s -> s.retryExport(RetryExportRequest.newBuilder().setJobId("none").build()));
    WITH_ROLE.put(TrainerServiceGrpc.getRetryExportMethod(), Code.NOT_FOUND);
  }

  @Test
  void everyRpcAnswersEachKindOfCallerAsThePolicySays() throws Exception {
    Set<String> methods = TrainerServiceGrpc.getServiceDescriptor().getMethods().stream()
        .map(MethodDescriptor::getFullMethodName).collect(Collectors.toSet());
    assertEquals(methods, TrainerAccess.RULES.methods().keySet(), "every RPC has an access rule");
    assertEquals(methods, CALLS.keySet().stream().map(MethodDescriptor::getFullMethodName).collect(Collectors.toSet()),
        "every RPC is in the matrix");

    Map<Caller, Code> expected = new EnumMap<>(Caller.class);
    expected.put(Caller.NO_CREDENTIALS, Code.UNAUTHENTICATED);
    expected.put(Caller.BAD_TOKEN, Code.UNAUTHENTICATED);
    expected.put(Caller.EXPIRED_TOKEN, Code.UNAUTHENTICATED);
    expected.put(Caller.FOREIGN_KEY_TOKEN, Code.UNAUTHENTICATED);
    expected.put(Caller.TOKEN_WITHOUT_ROLE, Code.PERMISSION_DENIED);
    StringBuilder wrong = new StringBuilder();
    for (Map.Entry<MethodDescriptor<?, ?>, Consumer<TrainerServiceBlockingStub>> call : CALLS.entrySet()) {
      for (Caller caller : Caller.values()) {
        Code want = expected.getOrDefault(caller, WITH_ROLE.get(call.getKey()));
        TrainerServiceBlockingStub stub = stub(setup.token(caller, "alice", "stranger"),
            caller == Caller.CERTIFICATE ? "alice" : null);
        Code got = code(() -> call.getValue().accept(stub));
        if (got != want) {
          wrong.append(call.getKey().getBareMethodName()).append(" as ").append(caller).append(": ").append(got)
              .append(", expected ").append(want).append('\n');
        }
      }
    }
    assertEquals("", wrong.toString());
  }

  @Test
  void aPrincipalSeesAndCancelsOnlyItsOwnJobsAndReadsOnlyItsData() throws Exception {
    try (AuditCapture audit = new AuditCapture()) {
      Job alices = as("alice").submitJob(GeneratedData.request("gen", "alices-model", 1));
      assertEquals("alice", alices.getSubmittedBy());
      GetJobRequest get = GetJobRequest.newBuilder().setJobId(alices.getId()).build();

      StatusRuntimeException denied = denied(() -> as("bob").getJob(get));
      assertTrue(denied.getStatus().getDescription().startsWith("'bob' may not read job " + alices.getId()
          + ", which another principal submitted: that needs the role jobs.admin"), denied.getStatus().toString());
      denied(() -> as("bob").watchJob(WatchJobRequest.newBuilder().setJobId(alices.getId())
          .build()).hasNext());
      denied(() -> as("bob").cancelJob(CancelJobRequest.newBuilder().setJobId(alices.getId())
          .build()));
      denied(() -> as("bob").retryExport(RetryExportRequest.newBuilder().setJobId(alices.getId()).build()));
      StatusRuntimeException noData = denied(
          () -> as("bob").submitJob(GeneratedData.request("gen", "bobs-model", 1)));
      assertTrue(noData.getStatus().getDescription().contains("that needs the role data:<a folder holding it>"),
          noData.getStatus().toString());
      assertEquals(List.of(), as("bob").listJobs(ListJobsRequest.getDefaultInstance()).getJobsList());

      assertEquals(alices.getId(), as("ops").getJob(get).getId());
      assertEquals(List.of(alices.getId()), as("ops").listJobs(ListJobsRequest.getDefaultInstance()).getJobsList()
          .stream().map(Job::getId).toList());
      Job cancelled = stub(null, "alice").cancelJob(CancelJobRequest.newBuilder().setJobId(alices.getId()).build());
      assertTrue(Set.of(JobState.CANCELLING, JobState.CANCELLED).contains(cancelled.getState()), cancelled.toString());

      List<JsonObject> submits = audit.of("SubmitJob");
      assertEquals(2, submits.size(), submits.toString());
      assertAudit(submits.get(0), "alice", "jwt", "job=" + alices.getId() + " model=alices-model", "OK");
      assertAudit(submits.get(1), "bob", "jwt", "model=bobs-model", "PERMISSION_DENIED");
      List<JsonObject> cancels = audit.of("CancelJob");
      assertEquals(2, cancels.size(), cancels.toString());
      assertAudit(cancels.get(0), "bob", "jwt", "job=" + alices.getId(), "PERMISSION_DENIED");
      assertAudit(cancels.get(1), "alice", "certificate", "job=" + alices.getId(), "OK");
      List<JsonObject> retries = audit.of("RetryExport");
      assertEquals(1, retries.size(), retries.toString());
      assertAudit(retries.get(0), "bob", "jwt", "job=" + alices.getId(), "PERMISSION_DENIED");
    }
  }

  private static void assertAudit(JsonObject line, String principal, String via, String target, String outcome) {
    assertEquals(List.of(principal, via, target, outcome), List.of(line.get("principal").getAsString(),
        line.get("via").getAsString(), line.get("target").getAsString(), line.get("outcome").getAsString()),
        line.toString());
  }

  /** PERMISSION_DENIED and nothing else. */
  private static StatusRuntimeException denied(Executable call) {
    return StatusAssertions.assertStatus(Code.PERMISSION_DENIED, call);
  }
}
