package io.dlf.trainer.worker;

import io.dlf.proto.train.v1.WorkerAssignment;
import io.dlf.proto.train.v1.WorkerCommand;
import io.dlf.proto.train.v1.WorkerEvent;
import io.dlf.trainer.training.StopSignal;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The worker's side of the pipes to its trainer: the assignment and then commands come in on one,
 * events go out on the other. Commands become the training loop's stop signal; the end of the
 * input (the trainer went away) counts as a pause, so the job checkpoints instead of running on
 * unwatched.
 */
final class WorkerChannel implements StopSignal {
  private static final Logger LOG = Logger.getLogger(WorkerChannel.class.getName());

  private final InputStream in;
  private final OutputStream out;
  private volatile boolean pause;
  private volatile boolean cancel;
  private boolean disconnected;

  WorkerChannel(InputStream in, OutputStream out) {
    this.in = in;
    this.out = out;
  }

  /** Reads the assignment, then listens for commands on a daemon thread of its own. */
  WorkerAssignment start() throws IOException {
    WorkerAssignment assignment = WorkerAssignment.parseDelimitedFrom(in);
    if (assignment == null) {
      throw new IOException("the trainer closed the worker's input before sending its assignment");
    }
    Thread commands = new Thread(this::readCommands, "worker-commands");
    commands.setDaemon(true);
    commands.start();
    return assignment;
  }

  private void readCommands() {
    try {
      WorkerCommand command;
      while ((command = WorkerCommand.parseDelimitedFrom(in)) != null) {
        switch (command.getKind()) {
          case PAUSE -> pause = true;
          case CANCEL -> cancel = true;
          default -> LOG.warning("ignoring an unknown command: " + command);
        }
      }
      LOG.info("the trainer closed the worker's input: pausing at the next step");
    } catch (IOException e) {
      LOG.log(Level.WARNING, "the trainer's commands cannot be read any more: pausing at the next step", e);
    }
    pause = true;
  }

  boolean cancelRequested() {
    return cancel;
  }

  /** A cancel wins over a pause: a cancelled job has nothing to resume. */
  @Override
  public Request poll() {
    return cancel ? Request.CANCEL : pause ? Request.PAUSE : Request.CONTINUE;
  }

  /** Sends an event; once the trainer stops reading, the job pauses at its next step and events are dropped. */
  synchronized void send(WorkerEvent event) {
    if (disconnected) {
      return;
    }
    try {
      event.writeDelimitedTo(out);
      out.flush();
    } catch (IOException e) {
      disconnected = true;
      pause = true;
      LOG.log(Level.WARNING, "the trainer no longer reads the worker's events: pausing at the next step", e);
    }
  }
}
