package io.dlf.bench;

import io.dlf.proto.model.v1.TrainingMetrics;
import io.dlf.proto.train.v1.WorkerAssignment;
import io.dlf.proto.train.v1.WorkerEvent;
import io.dlf.proto.trainer.v1.JobResult;
import java.io.IOException;

/**
 * A stand-in for the job worker ({@code --worker-main io.dlf.bench.NoOpWorker}) that speaks its
 * protocol and does no work: it reads its assignment and reports success at once, so the queue
 * benchmark measures leasing, not training. With {@code -Ddlf.noop.hold=true} it holds its job
 * until its input closes (its host died), as a job that trains for a long time would.
 */
public final class NoOpWorker {
  private NoOpWorker() {}

  public static void main(String[] args) throws IOException {
    WorkerAssignment assignment = WorkerAssignment.parseDelimitedFrom(System.in);
    if (assignment == null) {
      return;
    }
    if (Boolean.getBoolean("dlf.noop.hold")) {
      while (System.in.read() >= 0) {
        // commands are ignored; the job is held until the host goes away
      }
      return;
    }
    WorkerEvent.newBuilder().setSucceeded(JobResult.newBuilder().setModelName(assignment.getModelName())
        .setMetrics(TrainingMetrics.getDefaultInstance())).build().writeDelimitedTo(System.out);
    System.out.flush();
  }
}
