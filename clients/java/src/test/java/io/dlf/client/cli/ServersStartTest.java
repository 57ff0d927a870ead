package io.dlf.client.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code dlfctl servers start} refusing to start: one line saying why, a non-zero exit, nothing left running. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ServersStartTest {

  @Test
  void aTakenPortIsNamedAndNothingIsStarted(@TempDir Path dir) throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      Cli cli = Cli.run(TestServers.NO_INTERRUPTS, TestServers.launcher(), "servers", "start",
          "--data-dir", dir.toString(), "--trainer-port", String.valueOf(taken.getLocalPort()),
          "--serving-port", String.valueOf(TestServers.freePort()), "--trainer-metrics-port", "-1",
          "--serving-metrics-port", "-1");
      assertEquals(Dlfctl.NOT_STARTED, cli.exitCode(), cli.toString());
      assertEquals("dlfctl: cannot start the servers: 127.0.0.1:" + taken.getLocalPort() + " (the trainer's gRPC port)"
          + " is already in use; stop what listens there or choose another port with --trainer-port\n", cli.err());
      assertFalse(Files.exists(dir.resolve("logs")), "no server was launched");
    }
  }

  @Test
  @Tag("e2e")
  void aServerThatEndsBeforeAnsweringIsReportedWithItsLog(@TempDir Path dir) throws Exception {
    Path missing = dir.resolve("no-such-folder");
    Cli cli = Cli.run(TestServers.NO_INTERRUPTS, TestServers.launcher(), "servers", "start",
        "--data-dir", dir.resolve("servers").toString(), "--data-root", missing.toString(),
        "--trainer-port", String.valueOf(TestServers.freePort()), "--serving-port", String.valueOf(TestServers.freePort()),
        "--trainer-metrics-port", "-1", "--serving-metrics-port", "-1");
    assertEquals(Dlfctl.NOT_STARTED, cli.exitCode(), cli.toString());
    assertTrue(cli.err().startsWith("dlfctl: cannot start the servers: trainer exited with code 2 before it answered on"
        + " 127.0.0.1:"), cli.toString());
    assertTrue(cli.err().contains(dir.resolve("servers/logs/trainer.log").toString()), cli.toString());
    assertTrue(cli.err().contains("trainer-server: data root " + missing + " is not a folder"), cli.toString());
  }

  @Test
  void itsDefaultDataDirLiesInTheCheckoutNotInTheWorkingDirectory(@TempDir Path checkout) throws Exception {
    Path missing = checkout.resolve("no-such-folder");
    Cli cli = Cli.run(TestServers.NO_INTERRUPTS, TestServers.launcher(), new DefaultPaths(checkout, Map.of()),
        "servers", "start", "--data-root", missing.toString(), "--trainer-port", String.valueOf(TestServers.freePort()),
        "--serving-port", String.valueOf(TestServers.freePort()), "--trainer-metrics-port", "-1",
        "--serving-metrics-port", "-1");
    assertEquals(Dlfctl.NOT_STARTED, cli.exitCode(), cli.toString());
    assertTrue(cli.err().contains(checkout.resolve("data/logs/trainer.log").toString()), cli.toString());
  }

  @Test
  void withoutACheckoutItSaysHowToRunDlfctl() {
    Cli cli = Cli.run(TestServers.NO_INTERRUPTS, Optional.empty(), "servers", "start");
    assertEquals(Dlfctl.BAD_INPUT, cli.exitCode(), cli.toString());
    assertTrue(cli.err().contains("run it as clients/java/dlfctl.sh"), cli.toString());
  }
}
