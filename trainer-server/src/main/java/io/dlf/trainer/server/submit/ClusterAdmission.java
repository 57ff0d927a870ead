package io.dlf.trainer.server.submit;

import io.dlf.server.GrpcErrors;
import java.util.Optional;

/**
 * What a trainer does with a job that asks for a cluster. Each task is a process taking a job slot
 * of one device (the tasks run side by side on one host), so a shape with more tasks than a device's
 * slots could never start. A trainer that shares a PostgreSQL queue does not run clusters yet: it
 * refuses them rather than train them in one process unasked.
 */
public final class ClusterAdmission {
  private ClusterAdmission() {}

  /**
   * For a trainer that runs clusters on its own host.
   *
   * @param slots the job slots of one device of the kind the job would run on (its tasks' slots)
   * @param capacity who has those slots, for the message ("this trainer")
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

  /**
   * For a trainer whose jobs run on the worker hosts of a shared queue.
   *
   * @throws io.grpc.StatusRuntimeException FAILED_PRECONDITION for any cluster: CLUSTER_TOO_LARGE when
   *     its tasks outnumber {@code slots}, else CLUSTER_NOT_SUPPORTED
   */
  public static void refuse(Optional<RequestedCluster> cluster, long slots, String capacity) {
    check(cluster, slots, capacity);
    cluster.ifPresent(shape -> {
      throw GrpcErrors.failedPrecondition("CLUSTER_NOT_SUPPORTED", "training.cluster (" + shape + ") is not "
          + "supported with a shared job queue yet: its worker hosts train a job in one process; leave "
          + "training.cluster unset, or submit it to a trainer without --database-url");
    });
  }
}
