package io.dlf.trainer.server;

import io.dlf.proto.trainer.v1.JobEvent;
import io.dlf.proto.trainer.v1.TrainerServiceGrpc;
import io.dlf.proto.trainer.v1.WatchJobRequest;
import io.grpc.Channel;
import io.grpc.Context;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A client's view of WatchJob: the events of one job, as a list. */
final class JobWatching {
  private JobWatching() {}

  /** Every event from the snapshot to the end of the stream (the job ended). */
  static List<JobEvent> toEnd(Channel channel, String jobId, Duration timeout) {
    return until(channel, jobId, e -> false, timeout);
  }

  /** The events up to the first that matches (or to the end of the stream); then the watch is cancelled. */
  static List<JobEvent> until(Channel channel, String jobId, Predicate<JobEvent> until, Duration timeout) {
    List<JobEvent> events = new ArrayList<>();
    Context.CancellableContext context = Context.current().withCancellation();
    try {
      context.run(() -> {
        Iterator<JobEvent> stream = TrainerServiceGrpc.newBlockingStub(channel)
            .withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS)
            .watchJob(WatchJobRequest.newBuilder().setJobId(jobId).build());
        while (stream.hasNext()) {
          JobEvent event = stream.next();
          events.add(event);
          if (until.test(event)) {
            return;
          }
        }
      });
    } finally {
      context.cancel(null);
    }
    return events;
  }
}
