package io.dlf.trainer.server.submit;

import io.dlf.server.GrpcErrors;
import java.util.Optional;

/**
 * Whether a job that asks for a cluster could ever start. Each task is a process taking a job slot
 * of one device (the tasks run side by side on one host: the trainer's own, or the worker host that
 * leases the job from a shared PostgreSQL queue), so a shape with more tasks than one device's slots
 * could never start.
 */
public final class ClusterAdmission {
  private ClusterAdmission() {}

  /**
   * Refuses a shape larger than the largest device it could run on.
   *
   * @param slots the job slots of the largest device of the kind the job would run on (its tasks' slots)
   * @param capacity who has those slots, for the message ("this trainer", "the largest worker host that is up")
   * @throws io.grpc.StatusRuntimeException FAILED_PRECONDITION CLUSTER_TOO_LARGE when the tasks outnumber {@code slots}
   */
  public static void check(Optional<RequestedCluster> cluster, long slots, String capacity) {
    if (cluster.isPresent() && cluster.get().tasks() > slots) {
      RequestedCluster shape = cluster.get();
      throw GrpcErrors.failedPrecondition("CLUSTER_TOO_LARGE", "training.cluster asks for " + shape + " ("
          + shape.tasks() + " tasks, each a process in a job slot), but " + capacity + " can offer only "
          + slots + " job " + (slots == 1 ? "slot" : "slots") + " for this job's device");
    }
  }
}
