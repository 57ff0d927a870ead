package io.dlf.trainer.server.jobs;

import io.dlf.proto.trainer.v1.JobEvent;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;

/**
 * One WatchJob stream. Calls come from the owning {@link LiveJob} under its lock, so they are
 * never concurrent. Progress events are dropped while the client is not reading (the next one
 * supersedes them); every other event is sent.
 */
final class JobWatcher {
  private final ServerCallStreamObserver<JobEvent> stream;
  private boolean open = true;

  JobWatcher(ServerCallStreamObserver<JobEvent> stream) {
    this.stream = stream;
  }

  boolean open() {
    return open && !stream.isCancelled();
  }

  void send(JobEvent event, boolean droppable) {
    if (!open() || (droppable && !stream.isReady())) {
      return;
    }
    try {
      stream.onNext(event);
    } catch (RuntimeException gone) {
      // the client went away between the check and the send
      open = false;
    }
  }

  void complete() {
    if (open()) {
      open = false;
      stream.onCompleted();
    }
  }

  void fail(StatusRuntimeException status) {
    if (open()) {
      open = false;
      stream.onError(status);
    }
  }
}
