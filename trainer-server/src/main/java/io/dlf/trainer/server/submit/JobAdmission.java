package io.dlf.trainer.server.submit;

import com.google.inject.Inject;
import io.dlf.dsl.plan.DataSize;
import io.dlf.dsl.plan.ModelPlan;
import io.dlf.dsl.plan.ResourceEstimate;
import io.dlf.server.GrpcErrors;
import io.dlf.trainer.data.GeneratedDatasets;
import java.io.IOException;

/**
 * Refuses a job that cannot fit the trainer's per-job memory limit by its {@link ResourceEstimate}:
 * model state, one step's activations at its batch size, and its data bounded from the files'
 * sizes ({@link DataBounds}), or for a generated dataset, not written yet, from its generator's
 * rows ({@link GeneratedDatasets#bounds}). The field violation names the request field that drives
 * the most bytes, the estimate and the limit.
 */
public final class JobAdmission {
  private final JobMemoryLimit limit;

  @Inject
  public JobAdmission(JobMemoryLimit limit) {
    this.limit = limit;
  }

  /** @throws io.grpc.StatusRuntimeException INVALID_ARGUMENT when the job does not fit */
  void check(JobPlan plan) {
    ModelPlan model = ModelPlan.of(plan.spec());
    DataSize data = plan.dataset().generated().map(name -> GeneratedDatasets.bounds(name, model))
        .orElseGet(() -> fileBounds(plan.dataset(), model));
    ResourceEstimate estimate = ResourceEstimate.of(model, plan.options().batchSizes(), data);
    if (!estimate.overflows() && estimate.bytes() <= limit.bytes()) {
      return;
    }
    String driver = estimate.driver();
    String field = requestField(driver);
    String share = ResourceEstimate.human(estimate.bytesDrivenBy(driver));
    String remedy = driver.equals(ResourceEstimate.DATA)
        ? "its rows and vocabularies (bounded from " + (plan.dataset().generated().isPresent()
            ? "the generated dataset's rows" : "the files' sizes") + ") drive " + share + " of it: train on fewer rows"
        : field + " drives " + share + " of it: lower it" + (driver.equals(ResourceEstimate.BATCH_SIZE)
            ? " or raise training.micro_batches (now " + plan.options().optimizer().microBatches() + ")" : "");
    throw GrpcErrors.invalidArgument(field, "the job needs " + estimate.describe() + ", more than this trainer's "
        + "per-job memory limit of " + limit.describe() + "; " + remedy
        + ", or run it on a trainer with a larger --job-memory-limit");
  }

  private static DataSize fileBounds(ResolvedDataset dataset, ModelPlan model) {
    try {
      return DataBounds.of(dataset.schema(), dataset.splits(), model);
    } catch (IOException e) {
      throw GrpcErrors.invalidArgument("dataset", "the sizes of its files cannot be read: " + e.getMessage());
    }
  }

  /** The request field of an estimate's driver: the spec's paths are under model_spec. */
  private static String requestField(String driver) {
    return driver.equals(ResourceEstimate.BATCH_SIZE) || driver.equals(ResourceEstimate.EVAL_BATCH_SIZE)
        || driver.equals(ResourceEstimate.DATA) ? driver : "model_spec." + driver;
  }
}
