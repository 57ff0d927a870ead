package io.dlf.serving;

import static io.dlf.server.testing.SecureSetup.code;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import io.dlf.proto.inference.GRPCInferenceServiceGrpc;
import io.dlf.proto.inference.GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub;
import io.dlf.proto.inference.ModelInferRequest;
import io.dlf.proto.inference.ModelMetadataRequest;
import io.dlf.proto.inference.ModelReadyRequest;
import io.dlf.proto.inference.ServerLiveRequest;
import io.dlf.proto.inference.ServerMetadataRequest;
import io.dlf.proto.inference.ServerReadyRequest;
import io.dlf.proto.serving.v1.GetModelMetadataRequest;
import io.dlf.proto.serving.v1.GetModelStatusRequest;
import io.dlf.proto.serving.v1.ListModelsRequest;
import io.dlf.proto.serving.v1.ModelServiceGrpc;
import io.dlf.proto.serving.v1.ModelServiceGrpc.ModelServiceBlockingStub;
import io.dlf.proto.serving.v1.ModelSpec;
import io.dlf.proto.serving.v1.PredictRequest;
import io.dlf.proto.serving.v1.PredictionServiceGrpc;
import io.dlf.proto.serving.v1.PredictionServiceGrpc.PredictionServiceBlockingStub;
import io.dlf.proto.serving.v1.ReloadRequest;
import io.dlf.proto.serving.v1.RemoveLabelRequest;
import io.dlf.proto.serving.v1.SetLabelRequest;
import io.dlf.server.testing.AuditCapture;
import io.dlf.server.testing.Bearer;
import io.dlf.server.testing.SecureSetup;
import io.dlf.server.testing.SecureSetup.Caller;
import io.dlf.serving.auth.ServingAccess;
import io.grpc.CallCredentials;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.ServiceDescriptor;
import io.grpc.Status.Code;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.AbstractStub;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A serving server with JWTs, client certificates (TLS on loopback) and a policy file: every RPC of
 * PredictionService, ModelService and KServe v2 against every kind of caller; a predict-only principal may predict
 * with its model and nothing else; label changes and reloads are audited.
 */
@Tag("e2e")
class ServingAuthTest {
  private static final String MODEL = "ctr";

  @TempDir
  static Path dir;
  private static SecureSetup setup;
  private static ServingServer server;

  @BeforeAll
  static void start() throws Exception {
    Path repository = Files.createDirectories(dir.resolve("models"));
    setup = SecureSetup.create(dir.resolve("auth"), List.of(
        "admin = predict, models.manage",
        "predictor = predict:" + MODEL));
    server = ServingServer.create(ServingConfig.local(repository).withGrpc(setup.grpc()).withAuth(setup.auth()));
    server.start();
  }

  @AfterAll
  static void stop() {
    setup.close();
    server.stop();
  }

  /** The three services' stubs on one channel, with one caller's credentials. */
  private record Stubs(PredictionServiceBlockingStub predictions, ModelServiceBlockingStub models,
      GRPCInferenceServiceBlockingStub kserve) {
    static Stubs of(String token, String certificate) throws Exception {
      ManagedChannel channel = setup.channel("localhost:" + server.port(), certificate);
      return new Stubs(with(PredictionServiceGrpc.newBlockingStub(channel), token),
          with(ModelServiceGrpc.newBlockingStub(channel), token), with(GRPCInferenceServiceGrpc.newBlockingStub(channel),
              token));
    }

    private static <S extends AbstractStub<S>> S with(S stub, String token) {
      S timed = stub.withDeadlineAfter(30, TimeUnit.SECONDS);
      CallCredentials credentials = token == null ? null : new Bearer(token);
      return credentials == null ? timed : timed.withCallCredentials(credentials);
    }
  }

  private static Stubs as(String principal) throws Exception {
    return Stubs.of(setup.tokens().jwt(principal), null);
  }

  /** Each RPC, and what it answers a caller with every role: the service's own answer (no model is loaded). */
  private record Call(Consumer<Stubs> run, Code withRole, boolean anyPrincipal) {}

  private static final Map<MethodDescriptor<?, ?>, Call> CALLS = new LinkedHashMap<>();

  static {
    ModelSpec ctr = ModelSpec.newBuilder().setName(MODEL).build();
    CALLS.put(PredictionServiceGrpc.getPredictMethod(), new Call(
        s -> s.predictions().predict(PredictRequest.newBuilder().setModel(ctr).build()), Code.NOT_FOUND, false));
    CALLS.put(ModelServiceGrpc.getListModelsMethod(), new Call(
        s -> s.models().listModels(ListModelsRequest.getDefaultInstance()), Code.OK, false));
    CALLS.put(ModelServiceGrpc.getGetModelStatusMethod(), new Call(
        s -> s.models().getModelStatus(GetModelStatusRequest.newBuilder().setName(MODEL).build()), Code.NOT_FOUND,
        false));
    CALLS.put(ModelServiceGrpc.getGetModelMetadataMethod(), new Call(
        s -> s.models().getModelMetadata(GetModelMetadataRequest.newBuilder().setModel(ctr).build()), Code.NOT_FOUND,
        false));
    CALLS.put(ModelServiceGrpc.getSetLabelMethod(), new Call(s -> s.models().setLabel(SetLabelRequest.newBuilder()
        .setModel(MODEL).setLabel("prod").setVersion(1).build()), Code.NOT_FOUND, false));
    CALLS.put(ModelServiceGrpc.getRemoveLabelMethod(), new Call(s -> s.models().removeLabel(RemoveLabelRequest
        .newBuilder().setModel(MODEL).setLabel("prod").build()), Code.NOT_FOUND, false));
    CALLS.put(ModelServiceGrpc.getReloadMethod(), new Call(
        s -> s.models().reload(ReloadRequest.getDefaultInstance()), Code.OK, false));
    CALLS.put(GRPCInferenceServiceGrpc.getServerLiveMethod(), new Call(
        s -> s.kserve().serverLive(ServerLiveRequest.getDefaultInstance()), Code.OK, true));
    CALLS.put(GRPCInferenceServiceGrpc.getServerReadyMethod(), new Call(
        s -> s.kserve().serverReady(ServerReadyRequest.getDefaultInstance()), Code.OK, true));
    CALLS.put(GRPCInferenceServiceGrpc.getServerMetadataMethod(), new Call(
        s -> s.kserve().serverMetadata(ServerMetadataRequest.getDefaultInstance()), Code.OK, true));
    CALLS.put(GRPCInferenceServiceGrpc.getModelReadyMethod(), new Call(
        s -> s.kserve().modelReady(ModelReadyRequest.newBuilder().setName(MODEL).build()), Code.NOT_FOUND, false));
    CALLS.put(GRPCInferenceServiceGrpc.getModelMetadataMethod(), new Call(
        s -> s.kserve().modelMetadata(ModelMetadataRequest.newBuilder().setName(MODEL).build()), Code.NOT_FOUND,
        false));
    CALLS.put(GRPCInferenceServiceGrpc.getModelInferMethod(), new Call(
        s -> s.kserve().modelInfer(ModelInferRequest.newBuilder().setModelName(MODEL).build()), Code.NOT_FOUND,
        false));
  }

  @Test
  void everyRpcAnswersEachKindOfCallerAsThePolicySays() throws Exception {
    Set<String> methods = Stream.of(PredictionServiceGrpc.getServiceDescriptor(),
            ModelServiceGrpc.getServiceDescriptor(), GRPCInferenceServiceGrpc.getServiceDescriptor())
        .map(ServiceDescriptor::getMethods).flatMap(java.util.Collection::stream)
        .map(MethodDescriptor::getFullMethodName).collect(Collectors.toSet());
    assertEquals(methods, ServingAccess.RULES.methods().keySet(), "every RPC has an access rule");
    assertEquals(methods, CALLS.keySet().stream().map(MethodDescriptor::getFullMethodName).collect(Collectors.toSet()),
        "every RPC is in the matrix");

    StringBuilder wrong = new StringBuilder();
    for (Map.Entry<MethodDescriptor<?, ?>, Call> call : CALLS.entrySet()) {
      for (Caller caller : Caller.values()) {
        Code want = switch (caller) {
          case NO_CREDENTIALS, BAD_TOKEN, EXPIRED_TOKEN, FOREIGN_KEY_TOKEN -> Code.UNAUTHENTICATED;
          case TOKEN_WITHOUT_ROLE -> call.getValue().anyPrincipal() ? call.getValue().withRole() : Code.PERMISSION_DENIED;
          case TOKEN_WITH_ROLE, CERTIFICATE -> call.getValue().withRole();
        };
        Stubs stubs = Stubs.of(setup.token(caller, "admin", "stranger"), caller == Caller.CERTIFICATE ? "admin" : null);
        Code got = code(() -> call.getValue().run().accept(stubs));
        if (got != want) {
          wrong.append(call.getKey().getFullMethodName()).append(" as ").append(caller).append(": ").append(got)
              .append(", expected ").append(want).append('\n');
        }
      }
    }
    assertEquals("", wrong.toString());
  }

  @Test
  void aPredictOnlyPrincipalPredictsWithItsModelAndChangesNothing() throws Exception {
    try (AuditCapture audit = new AuditCapture()) {
      Stubs predictor = as("predictor");
      assertEquals(Code.NOT_FOUND, code(() -> predictor.predictions().predict(PredictRequest.newBuilder()
          .setModel(ModelSpec.newBuilder().setName(MODEL)).build())), "predict:ctr lets it reach the model");
      StatusRuntimeException other = assertThrows(StatusRuntimeException.class, () -> predictor.predictions()
          .predict(PredictRequest.newBuilder().setModel(ModelSpec.newBuilder().setName("cvr")).build()));
      assertEquals(Code.PERMISSION_DENIED, other.getStatus().getCode());
      assertEquals("'predictor' may not call dlf.serving.v1.PredictionService/Predict on 'cvr': that needs the role "
          + "predict:cvr, which the server's policy does not grant it", other.getStatus().getDescription());

      StatusRuntimeException label = assertThrows(StatusRuntimeException.class, () -> predictor.models().setLabel(
          SetLabelRequest.newBuilder().setModel(MODEL).setLabel("prod").setVersion(1).build()));
      assertEquals(Code.PERMISSION_DENIED, label.getStatus().getCode());
      assertTrue(label.getStatus().getDescription().contains("needs the role models.manage"), label.toString());
      assertEquals(Code.PERMISSION_DENIED, code(() -> predictor.models().reload(ReloadRequest.getDefaultInstance())));
      assertEquals(Code.PERMISSION_DENIED, code(() -> predictor.models().listModels(
          ListModelsRequest.getDefaultInstance())));

      List<JsonObject> labels = audit.of("SetLabel");
      assertEquals(1, labels.size(), labels.toString());
      assertEquals(List.of("predictor", "model=ctr label=prod version=1", "PERMISSION_DENIED"), List.of(
          labels.get(0).get("principal").getAsString(), labels.get(0).get("target").getAsString(),
          labels.get(0).get("outcome").getAsString()));
      List<JsonObject> reloads = audit.of("Reload");
      assertEquals(List.of("predictor", "model=*", "PERMISSION_DENIED"), List.of(
          reloads.get(0).get("principal").getAsString(), reloads.get(0).get("target").getAsString(),
          reloads.get(0).get("outcome").getAsString()));
      assertTrue(audit.of("Predict").isEmpty(), "predictions change nothing and are not audited");
    }
  }
}
