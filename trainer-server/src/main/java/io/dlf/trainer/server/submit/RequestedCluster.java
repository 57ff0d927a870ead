package io.dlf.trainer.server.submit;

import io.dlf.proto.trainer.v1.TrainingSettings;
import io.dlf.server.GrpcErrors.FieldViolation;
import java.util.List;
import java.util.Optional;

/** How many worker and parameter-server tasks a job asks for (see {@code TrainingSettings.cluster}). */
public record RequestedCluster(int workers, int parameterServers) {
  public static final int MAX_WORKERS = 16;
  public static final int MAX_PARAMETER_SERVERS = 16;

  /** Every task of the job, each a process taking a job slot. */
  public int tasks() {
    return workers + parameterServers;
  }

  /** The job slots of one device a job with {@code training} takes: one per task of its cluster, else one. */
  public static int jobSlots(TrainingSettings training) {
    return training.hasCluster() ? training.getCluster().getWorkers() + training.getCluster().getParameterServers() : 1;
  }

  @Override
  public String toString() {
    return workers + (workers == 1 ? " worker" : " workers") + " and " + parameterServers
        + (parameterServers == 1 ? " parameter server" : " parameter servers");
  }

  /** The shape {@code settings} ask for, empty when unset; what is wrong is added to {@code violations}. */
  static Optional<RequestedCluster> of(TrainingSettings settings, List<FieldViolation> violations) {
    if (!settings.hasCluster()) {
      return Optional.empty();
    }
    var cluster = settings.getCluster();
    int workers = count("training.cluster.workers", cluster.hasWorkers(), cluster.getWorkers(), MAX_WORKERS, violations);
    int servers = count("training.cluster.parameter_servers", cluster.hasParameterServers(),
        cluster.getParameterServers(), MAX_PARAMETER_SERVERS, violations);
    return workers > 0 && servers > 0 ? Optional.of(new RequestedCluster(workers, servers)) : Optional.empty();
  }

  /** The count, or 0 after adding a violation when it is missing or outside 1 to {@code max}. */
  private static int count(String field, boolean present, int unsigned, int max, List<FieldViolation> violations) {
    if (!present) {
      violations.add(new FieldViolation(field, "required when training.cluster is set (1 to " + max + ")"));
      return 0;
    }
    if (unsigned < 1 || unsigned > max) {
      violations.add(new FieldViolation(field, Integer.toUnsignedString(unsigned) + " must be 1 to " + max));
      return 0;
    }
    return unsigned;
  }
}
