package io.dlf.trainer.server.jobs;

import io.dlf.proto.trainer.v1.JobEvent;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;

/**
 * One WatchJob stream. Calls come from its owner under one lock (a {@link LiveJob}, or the feed
 * that follows a shared database), so they are never concurrent. Progress events are dropped while the client is not reading (the next one
 * supersedes them); every other event is sent.
 */
public final class JobWatcher {
  private final ServerCallStreamObserver<JobEvent> stream;
  private boolean open = true;

  public JobWatcher(ServerCallStreamObserver<JobEvent> stream) {
    this.stream = stream;
  }

  public boolean open() {
    return open && !stream.isCancelled();
  }

  public void send(JobEvent event, boolean droppable) {
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

  public void complete() {
    if (open()) {
      open = false;
      stream.onCompleted();
    }
  }

  public void fail(StatusRuntimeException status) {
    if (open()) {
      open = false;
      stream.onError(status);
    }
  }
}
