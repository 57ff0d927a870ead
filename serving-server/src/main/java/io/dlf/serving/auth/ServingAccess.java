package io.dlf.serving.auth;

import io.dlf.proto.inference.GRPCInferenceServiceGrpc;
import io.dlf.proto.inference.ModelInferRequest;
import io.dlf.proto.inference.ModelMetadataRequest;
import io.dlf.proto.inference.ModelReadyRequest;
import io.dlf.proto.serving.v1.GetModelMetadataRequest;
import io.dlf.proto.serving.v1.GetModelStatusRequest;
import io.dlf.proto.serving.v1.ModelServiceGrpc;
import io.dlf.proto.serving.v1.PredictRequest;
import io.dlf.proto.serving.v1.PredictionServiceGrpc;
import io.dlf.proto.serving.v1.ReloadRequest;
import io.dlf.proto.serving.v1.RemoveLabelRequest;
import io.dlf.proto.serving.v1.SetLabelRequest;
import io.dlf.server.audit.AuditTarget;
import io.dlf.server.auth.AccessRules;
import io.dlf.server.auth.MethodRule;
import io.dlf.server.auth.Role;
import java.util.List;
import java.util.Map;

/**
 * The serving server's roles, what each method of PredictionService, ModelService and KServe v2 needs, and the
 * calls its audit log records. Predicting with a model, or reading one model's metadata and status, takes
 * {@code predict} on that model (or on all); listing every model takes {@code models.read}; labels and reloads
 * take {@code models.manage}.
 */
public final class ServingAccess {
  public static final String PREDICT = "predict";
  public static final String READ = "models.read";
  public static final String MANAGE = "models.manage";

  public static final AccessRules RULES = new AccessRules("serving server", List.of(
      Role.named(PREDICT),
      Role.plain(READ),
      Role.plain(MANAGE, READ)),
      Map.ofEntries(
          Map.entry(PredictionServiceGrpc.getPredictMethod().getFullMethodName(),
              MethodRule.onResource(PredictRequest.class, r -> r.getModel().getName(), PREDICT)),
          Map.entry(ModelServiceGrpc.getListModelsMethod().getFullMethodName(), MethodRule.role(READ)),
          Map.entry(ModelServiceGrpc.getGetModelStatusMethod().getFullMethodName(),
              MethodRule.onResource(GetModelStatusRequest.class, GetModelStatusRequest::getName, READ, PREDICT)),
          Map.entry(ModelServiceGrpc.getGetModelMetadataMethod().getFullMethodName(),
              MethodRule.onResource(GetModelMetadataRequest.class, r -> r.getModel().getName(), READ, PREDICT)),
          Map.entry(ModelServiceGrpc.getSetLabelMethod().getFullMethodName(), MethodRule.role(MANAGE)),
          Map.entry(ModelServiceGrpc.getRemoveLabelMethod().getFullMethodName(), MethodRule.role(MANAGE)),
          Map.entry(ModelServiceGrpc.getReloadMethod().getFullMethodName(), MethodRule.role(MANAGE)),
          Map.entry(GRPCInferenceServiceGrpc.getServerLiveMethod().getFullMethodName(), MethodRule.authenticated()),
          Map.entry(GRPCInferenceServiceGrpc.getServerReadyMethod().getFullMethodName(), MethodRule.authenticated()),
          Map.entry(GRPCInferenceServiceGrpc.getServerMetadataMethod().getFullMethodName(),
              MethodRule.authenticated()),
          Map.entry(GRPCInferenceServiceGrpc.getModelReadyMethod().getFullMethodName(),
              MethodRule.onResource(ModelReadyRequest.class, ModelReadyRequest::getName, READ, PREDICT)),
          Map.entry(GRPCInferenceServiceGrpc.getModelMetadataMethod().getFullMethodName(),
              MethodRule.onResource(ModelMetadataRequest.class, ModelMetadataRequest::getName, READ, PREDICT)),
          Map.entry(GRPCInferenceServiceGrpc.getModelInferMethod().getFullMethodName(),
              MethodRule.onResource(ModelInferRequest.class, ModelInferRequest::getModelName, PREDICT))));

  public static final Map<String, AuditTarget<?, ?>> AUDITED = Map.of(
      ModelServiceGrpc.getSetLabelMethod().getFullMethodName(), (AuditTarget<SetLabelRequest, Object>)
          (request, response) -> request == null ? "-" : "model=" + request.getModel() + " label=" + request.getLabel()
              + " version=" + request.getVersion(),
      ModelServiceGrpc.getRemoveLabelMethod().getFullMethodName(), (AuditTarget<RemoveLabelRequest, Object>)
          (request, response) -> request == null ? "-" : "model=" + request.getModel() + " label=" + request.getLabel(),
      ModelServiceGrpc.getReloadMethod().getFullMethodName(), (AuditTarget<ReloadRequest, Object>)
          (request, response) -> request == null ? "-"
              : "model=" + (request.getModel().isEmpty() ? "*" : request.getModel()));

  private ServingAccess() {}
}
