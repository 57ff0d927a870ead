package io.dlf.trainer.server.workers;

import io.dlf.proto.train.v1.WorkerCommand;
import io.dlf.proto.train.v1.WorkerEvent;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/** A running worker: its events to read, commands to send, and how it ended. */
public final class WorkerProcess {
  private static final Logger LOG = Logger.getLogger(WorkerProcess.class.getName());
  private static final int LOG_TAIL_LINES = 20;
  private static final int LOG_TAIL_BYTES = 4096;

  private final Process process;
  private final InputStream events;
  private final OutputStream commands;
  private final Path log;

  WorkerProcess(Process process, Path log) {
    this.process = process;
    this.events = process.getInputStream();
    this.commands = process.getOutputStream();
    this.log = log;
  }

  public long pid() {
    return process.pid();
  }

  public Path log() {
    return log;
  }

  /** The next event; empty once the worker closed its output (it ended, or is ending). */
  public Optional<WorkerEvent> next() {
    try {
      return Optional.ofNullable(WorkerEvent.parseDelimitedFrom(events));
    } catch (IOException e) {
      // A worker killed mid-message leaves a torn one: it ended all the same.
      LOG.log(Level.FINE, "worker " + pid() + "'s output ended mid-event", e);
      return Optional.empty();
    }
  }

  /** Sends a command; a worker that already ended cannot take it, which is not an error. */
  public synchronized void send(WorkerCommand.Kind kind) {
    try {
      WorkerCommand.newBuilder().setKind(kind).build().writeDelimitedTo(commands);
      commands.flush();
    } catch (IOException e) {
      LOG.fine(() -> "worker " + pid() + " no longer takes commands (" + e.getMessage() + ")");
    }
  }

  /** Waits for the process to end. */
  public WorkerExit awaitExit() throws InterruptedException {
    return new WorkerExit(process.waitFor());
  }

  /** Ends the process at once (SIGKILL): its job resumes from the last checkpoint. */
  public void kill() {
    process.destroyForcibly();
  }

  /** The last lines of the worker's log, for a person to see why it died. */
  public String logTail() {
    try {
      byte[] bytes = Files.readAllBytes(log);
      String text = new String(bytes, Math.max(0, bytes.length - LOG_TAIL_BYTES),
          Math.min(bytes.length, LOG_TAIL_BYTES), StandardCharsets.UTF_8);
      List<String> lines = text.lines().toList();
      return String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
    } catch (IOException e) {
      return "(its log " + log + " cannot be read: " + e.getMessage() + ")";
    }
  }
}
