package io.dlf.trainer.server.submit;

import com.google.inject.Inject;
import io.dlf.dsl.codec.SpecProtos;
import io.dlf.dsl.repository.ModelRepository;
import io.dlf.dsl.spec.ModelSpec;
import io.dlf.dsl.spec.Quoted;
import io.dlf.dsl.spec.SpecException;
import io.dlf.proto.model.v1.ServingPrecision;
import io.dlf.proto.trainer.v1.SubmitJobRequest;
import io.dlf.server.GrpcErrors.FieldViolation;
import io.dlf.server.GrpcErrors;
import io.dlf.trainer.job.TrainingOptions;
import io.dlf.trainer.job.TrainingSettingsReader;
import io.dlf.trainer.server.devices.DeviceRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Checks a job request and turns it into a {@link JobPlan}. Problems with the request's own fields
 * (spec, training settings, export target, the lengths of its strings) come back together as one
 * INVALID_ARGUMENT with a field violation each; the dataset is checked after them, and last whether
 * the job fits the trainer's per-job memory limit ({@link JobAdmission}).
 */
public final class SubmissionValidator {
  private final DatasetResolver datasets;
  private final JobAdmission admission;

  @Inject
  public SubmissionValidator(DatasetResolver datasets, JobAdmission admission) {
    this.datasets = datasets;
    this.admission = admission;
  }

  /** @throws io.grpc.StatusRuntimeException naming what is wrong */
  public JobPlan validate(SubmitJobRequest request) {
    List<FieldViolation> violations = new ArrayList<>();
    RequestLimits.check(request, violations);
    ModelSpec spec = spec(request, violations);
    TrainingOptions options = TrainingSettingsReader.options(request.getTraining(), violations);
    DeviceRequest device = DeviceRequests.of(request.getTraining(), violations);
    Optional<RequestedCluster> cluster = RequestedCluster.of(request.getTraining(), violations);
    String modelName = request.getExport().getModelName().isEmpty() && spec != null
        ? spec.name() : request.getExport().getModelName();
    if (!ModelRepository.isValidModelName(modelName)) {
      violations.add(new FieldViolation("export.model_name", modelName.isEmpty()
          ? "required when model_spec.name is empty"
          : Quoted.of(modelName) + " must be 1-128 letters, digits, '.', '_' or '-', starting with a letter or digit"));
    }
    if (request.getExport().getPrecision() == ServingPrecision.UNRECOGNIZED) {
      violations.add(new FieldViolation("export.precision", "value " + request.getExport().getPrecisionValue()
          + " is not a precision this trainer knows: FLOAT32, BFLOAT16 or INT8"));
    }
    if (!violations.isEmpty()) {
      throw GrpcErrors.invalidArgument("invalid job request: "
          + violations.stream().map(v -> v.field() + ": " + v.description()).collect(Collectors.joining("; ")),
          violations);
    }
    JobPlan plan = new JobPlan(spec, datasets.resolve(request.getDataset(), spec), options, device, cluster,
        modelName);
    admission.check(plan);
    return plan;
  }

  private static ModelSpec spec(SubmitJobRequest request, List<FieldViolation> violations) {
    if (!request.hasModelSpec()) {
      violations.add(new FieldViolation("model_spec", "required: the model to train (the DSL's proto or JSON form)"));
      return null;
    }
    try {
      return SpecProtos.fromProto(request.getModelSpec());
    } catch (SpecException e) {
      e.violations().forEach(v -> violations.add(new FieldViolation("model_spec." + v.path(), v.message())));
      return null;
    }
  }
}
