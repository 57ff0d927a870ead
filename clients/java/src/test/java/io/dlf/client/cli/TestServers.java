package io.dlf.client.cli;

import io.dlf.client.servers.Launcher;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.Optional;

/** Servers started by dlfctl in tests: their main classes on this test's class path, which holds both servers. */
final class TestServers {
  private TestServers() {}

  static Optional<Launcher> launcher() {
    return Optional.of(new Launcher.ClassPath(System.getProperty("java.class.path"), List.of("-Xmx1500m",
        "-Dorg.bytedeco.javacpp.cachedir=" + System.getProperty("org.bytedeco.javacpp.cachedir"))));
  }

  /** A port nothing listens on right now. */
  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  /** Ctrl-C never comes: the command runs to its end. */
  static final Interrupts NO_INTERRUPTS = action -> () -> { };
}
