package io.dlf.trainer.server.submit;

import static java.util.Objects.requireNonNull;

import io.dlf.dsl.spec.ModelSpec;
import io.dlf.trainer.job.TrainingOptions;
import io.dlf.trainer.server.devices.DeviceRequest;
import java.util.Optional;

/**
 * A job request that passed validation, in the trainer's own terms.
 *
 * @param cluster the tasks it asks for; empty to train in one process
 */
public record JobPlan(ModelSpec spec, ResolvedDataset dataset, TrainingOptions options, DeviceRequest device,
    Optional<RequestedCluster> cluster, String modelName) {

  public JobPlan {
    requireNonNull(spec, "spec is null");
    requireNonNull(dataset, "dataset is null");
    requireNonNull(options, "options is null");
    requireNonNull(device, "device is null");
    requireNonNull(cluster, "cluster is null");
    requireNonNull(modelName, "modelName is null");
  }
}
