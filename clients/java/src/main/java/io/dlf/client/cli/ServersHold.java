package io.dlf.client.cli;

import io.dlf.client.servers.LocalServers;
import io.dlf.client.servers.ServerProcess;
import java.io.PrintWriter;
import java.util.concurrent.atomic.AtomicBoolean;

/** Keeps local servers in the foreground until Ctrl-C stops them, or one of them ends on its own. */
final class ServersHold {
  private ServersHold() {}

  /** Returns 0 after Ctrl-C, {@link Dlfctl#FAILED} when a server ended by itself (the other is then stopped). */
  static int untilInterrupted(LocalServers servers, Interrupts interrupts, PrintWriter out) {
    out.println("trainer on " + servers.trainer().target() + ", serving server on " + servers.serving().target()
        + "; Ctrl-C stops both");
    out.flush();
    AtomicBoolean interrupted = new AtomicBoolean();
    Interrupts.Registration registration = interrupts.onInterrupt(() -> {
      interrupted.set(true);
      out.println("stopping both servers...");
      out.flush();
      servers.close();
    });
    try {
      ServerProcess first = servers.firstExit().join();
      if (interrupted.get()) {
        out.println("servers stopped");
        return 0;
      }
      out.println(first.kind().title() + " ended on its own; see its log " + first.log() + ". Stopping the other.");
      out.flush();
      return Dlfctl.FAILED;
    } finally {
      registration.close();
    }
  }
}
