package io.dlf.trainer.server.jobs;

import io.dlf.proto.trainer.v1.Job;
import io.dlf.proto.trainer.v1.JobEvent;
import java.util.List;

/**
 * What one change does to a job: its record afterwards, and what its watchers are told, in order.
 *
 * @param job the record after the change
 * @param events the events the change makes (none for a change watchers do not see)
 */
public record JobChange(Job job, List<JobEvent> events) {
  public JobChange {
    events = List.copyOf(events);
  }
}
