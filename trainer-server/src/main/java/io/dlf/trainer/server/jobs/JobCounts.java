package io.dlf.trainer.server.jobs;

import io.dlf.proto.trainer.v1.JobState;
import java.util.Map;

/** How many jobs there are by state, and how many wait, for the metrics of a trainer that serves the API. */
public interface JobCounts {

  /** Every state with its count; empty when the counts cannot be read now. */
  Map<JobState, Long> countByState();

  /** Jobs waiting for a slot; -1 when it cannot be read now. */
  long queueLength();
}
