package io.dlf.trainer.worker;

import io.dlf.proto.train.v1.DeviceList;
import io.dlf.proto.train.v1.WorkerAssignment;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A job worker process: started by a trainer for one job, it reads its assignment on standard
 * input, runs the job and reports on standard output (see {@code dlf/train/v1/worker.proto}); its
 * log goes to standard error. {@code --list-devices} instead writes the host's TensorFlow devices.
 * Exit code 0 means the worker reported how the job ended; anything else is the trainer's to explain.
 */
public final class WorkerMain {
  private static final Logger LOG = Logger.getLogger(WorkerMain.class.getName());

  private WorkerMain() {}

  public static void main(String[] args) throws IOException {
    // The events own standard output: whatever a library prints goes to the log instead.
    OutputStream events = new FileOutputStream(FileDescriptor.out);
    System.setOut(System.err);
    if (args.length == 1 && args[0].equals("--list-devices")) {
      DeviceList.newBuilder().addAllDevices(TensorFlowDevices.list(true)).build().writeDelimitedTo(events);
      events.flush();
      return;
    }
    if (args.length != 0) {
      System.err.println("usage: WorkerMain [--list-devices]; a trainer starts workers and sends them jobs");
      System.exit(2);
    }
    MemoryPressure.offerThisProcessFirst();
    WorkerChannel channel = new WorkerChannel(System.in, events);
    WorkerAssignment assignment = channel.start();
    LOG.info(() -> "job " + assignment.getJobId() + " on " + assignment.getDevice() + ", pid "
        + ProcessHandle.current().pid());
    try {
      WorkFolderLock lock = WorkFolderLock.acquire(Path.of(assignment.getWorkDir()));
      try {
        new JobExecution(assignment, channel).run();
      } finally {
        lock.close();
      }
    } catch (IOException | RuntimeException e) {
      LOG.log(Level.SEVERE, "job " + assignment.getJobId() + " could not run", e);
      System.exit(1);
    }
    // Daemon threads (the command reader, TensorFlow's pools) must not keep a finished worker alive.
    System.exit(0);
  }
}
