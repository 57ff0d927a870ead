package io.dlf.trainer.server;

import static java.util.Objects.requireNonNull;

import io.dlf.trainer.server.postgres.DatabaseSettings;
import java.time.Duration;
import java.util.Optional;

/**
 * How a trainer takes part in a cluster that shares one PostgreSQL database.
 *
 * @param role what this process does: the API, running jobs, or both
 * @param database where the job store and queue live
 * @param hostName this worker host's name in leases and attempts (unique per host)
 * @param leaseTimeout how long a job's lease lasts without a heartbeat before another host takes the job
 * @param heartbeatInterval how often a worker host renews its leases and reads cancels
 * @param pollInterval how often an idle worker host looks for queued jobs, and a watch for changes
 * @param backfillLimit how long younger jobs may start ahead of a queued job that needs more free
 *     slots than a host has (a cluster job); after that, hosts that could hold it keep their slots for it
 * @param clusterAddress where other hosts reach the tasks of cluster jobs this worker host runs, when
 *     it shares such tasks with the other hosts that give one; empty: a cluster job runs whole on the
 *     host that leases it
 */
public record ClusterSettings(TrainerRole role, DatabaseSettings database, String hostName, Duration leaseTimeout,
    Duration heartbeatInterval, Duration pollInterval, Duration backfillLimit, Optional<String> clusterAddress) {

  public ClusterSettings {
    requireNonNull(role, "role is null");
    requireNonNull(database, "database is null");
    requireNonNull(hostName, "hostName is null");
    if (hostName.isBlank() || hostName.length() > 128) {
      throw new IllegalArgumentException("host name '" + hostName + "' must have 1 to 128 characters (--host-name)");
    }
    if (heartbeatInterval.isNegative() || heartbeatInterval.isZero() || pollInterval.isNegative()
        || pollInterval.isZero()) {
      throw new IllegalArgumentException("the heartbeat and poll intervals must be positive");
    }
    requireNonNull(clusterAddress, "clusterAddress is null");
    if (clusterAddress.isPresent() && !clusterAddress.get().matches("[A-Za-z0-9.-]{1,253}")) {
      throw new IllegalArgumentException("cluster address '" + clusterAddress.get() + "' must be an IPv4 address or "
          + "a host name (--cluster-address)");
    }
    if (backfillLimit.isNegative()) {
      throw new IllegalArgumentException("the backfill limit (" + backfillLimit + ", --backfill-limit) must not be "
          + "negative");
    }
    if (leaseTimeout.compareTo(heartbeatInterval.multipliedBy(3)) < 0) {
      throw new IllegalArgumentException("the lease timeout (" + leaseTimeout + ", --lease-timeout) must be at least "
          + "three heartbeats (" + heartbeatInterval.multipliedBy(3) + "), so one missed heartbeat loses no lease");
    }
  }

  /**
   * Leases of 30 s renewed every second, queued jobs looked for every 250 ms, a cluster job passed
   * by younger jobs for up to 10 minutes, cluster jobs whole on one host.
   */
  public static ClusterSettings of(TrainerRole role, DatabaseSettings database, String hostName) {
    return new ClusterSettings(role, database, hostName, Duration.ofSeconds(30), Duration.ofSeconds(1),
        Duration.ofMillis(250), Duration.ofMinutes(10), Optional.empty());
  }

  public ClusterSettings withLeaseTimeout(Duration value) {
    return new ClusterSettings(role, database, hostName, value, heartbeatInterval, pollInterval, backfillLimit,
        clusterAddress);
  }

  public ClusterSettings withHeartbeatInterval(Duration value) {
    return new ClusterSettings(role, database, hostName, leaseTimeout, value, pollInterval, backfillLimit,
        clusterAddress);
  }

  public ClusterSettings withBackfillLimit(Duration value) {
    return new ClusterSettings(role, database, hostName, leaseTimeout, heartbeatInterval, pollInterval, value,
        clusterAddress);
  }

  public ClusterSettings withClusterAddress(Optional<String> value) {
    return new ClusterSettings(role, database, hostName, leaseTimeout, heartbeatInterval, pollInterval, backfillLimit,
        value);
  }
}
