package io.dlf.trainer.server.postgres;

import io.dlf.proto.trainer.v1.Job;

/**
 * A job's row as read.
 *
 * @param job the record
 * @param leaseOwner the host holding its lease, or null
 * @param leaseToken the token of its latest lease (0: never leased)
 * @param lastEventSeq its newest event's sequence number (0: none)
 */
record StoredJob(Job job, String leaseOwner, long leaseToken, long lastEventSeq) {

  /** Whether {@code token} is the job's lease now (not an expired or released one). */
  boolean leasedWith(long token) {
    return leaseOwner != null && leaseToken == token;
  }
}
