package io.dlf.trainer.server.submit;

import io.dlf.server.GrpcErrors;
import java.util.Optional;

/**
 * What a trainer does with a job that asks for a cluster. Each task is a process taking a job
 * slot, so a shape with more tasks than the slots could never start; the job flow does not run
 * clusters yet, so any other shape is refused too rather than trained in one process unasked.
 */
public final class ClusterAdmission {
  private ClusterAdmission() {}

  /**
   * @param slots the job slots of the device kind the job would run on
   * @param capacity who has those slots, for the message ("this trainer", "the worker hosts that are up")
   * @throws io.grpc.StatusRuntimeException FAILED_PRECONDITION for any cluster: CLUSTER_TOO_LARGE when its
   *     tasks outnumber {@code slots}, else CLUSTER_NOT_SUPPORTED
   */
  public static void check(Optional<RequestedCluster> cluster, long slots, String capacity) {
    if (cluster.isEmpty()) {
      return;
    }
    RequestedCluster shape = cluster.get();
    if (shape.tasks() > slots) {
      throw GrpcErrors.failedPrecondition("CLUSTER_TOO_LARGE", "training.cluster asks for " + shape + " ("
          + shape.tasks() + " tasks, each a process in a job slot), but " + capacity + " can offer only "
          + slots + " job " + (slots == 1 ? "slot" : "slots") + " for this job's device");
    }
    throw GrpcErrors.failedPrecondition("CLUSTER_NOT_SUPPORTED", "training.cluster (" + shape + ") is not "
        + "supported yet: this trainer trains a job in one process; leave training.cluster unset");
  }
}
