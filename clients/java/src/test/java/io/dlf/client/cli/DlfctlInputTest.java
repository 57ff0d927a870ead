package io.dlf.client.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What dlfctl says about input it cannot use, before or instead of talking to a server. */
class DlfctlInputTest {

  @Test
  void anUnreachableServerIsOneLineNamingHostAndPort() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    Cli jobs = Cli.run("jobs", "list", "--trainer", "127.0.0.1:" + port);
    assertEquals(Dlfctl.UNREACHABLE, jobs.exitCode(), jobs.toString());
    assertEquals("dlfctl: cannot reach the trainer at 127.0.0.1:" + port + " (is it running?)", jobs.err().strip());

    Cli models = Cli.run("models", "list", "--serving", "127.0.0.1:" + port);
    assertEquals(Dlfctl.UNREACHABLE, models.exitCode(), models.toString());
    assertEquals("dlfctl: cannot reach the serving server at 127.0.0.1:" + port + " (is it running?)",
        models.err().strip());
  }

  @Test
  void anInvalidSpecFileNamesTheFileTheFieldAndTheRule(@TempDir Path dir) throws Exception {
    Path spec = dir.resolve("spec.json");
    Files.writeString(spec, """
        {"format_version": 1, "name": "m", "features": [{"name": "a", "kind": "CATEGORICAL"}],
         "dlf": {"layers": [{"high_rank": {"tokens": 0}}]}}
        """);
    Cli cli = Cli.run("train", "--spec", spec.toString(), "--dataset", "frappe", "--trainer", "127.0.0.1:1");
    assertEquals(Dlfctl.BAD_INPUT, cli.exitCode(), cli.toString());
    assertTrue(cli.err().startsWith("dlfctl: " + spec + ": dlf.layers[0].high_rank.tokens: "), cli.toString());
    assertEquals(1, cli.err().lines().count(), cli.toString());

    Files.writeString(spec, "{\"format_version\": 1, \"name\": \"m\", \"fetaures\": []}");
    Cli unknownField = Cli.run("train", "--spec", spec.toString(), "--dataset", "frappe");
    assertEquals(Dlfctl.BAD_INPUT, unknownField.exitCode(), unknownField.toString());
    assertTrue(unknownField.err().contains(spec + ": json: ") && unknownField.err().contains("fetaures"),
        unknownField.toString());

    Cli missing = Cli.run("train", "--spec", dir.resolve("nope.json").toString(), "--dataset", "frappe");
    assertEquals("dlfctl: spec file " + dir.resolve("nope.json") + " does not exist", missing.err().strip());
  }

  @Test
  void usageErrorsAreReportedByTheParser() {
    Cli neither = Cli.run("train", "--dataset", "frappe");
    assertEquals(Dlfctl.BAD_INPUT, neither.exitCode(), neither.toString());
    assertTrue(neither.err().contains("--spec=FILE | --preset=NAME"), neither.toString());

    Cli preset = Cli.run("train", "--preset", "dlf-paper", "--dataset", "frappe");
    assertEquals(Dlfctl.BAD_INPUT, preset.exitCode(), preset.toString());
    assertTrue(preset.err().startsWith("dlfctl: --preset with a registered dataset needs --features"), preset.toString());

    Cli badTarget = Cli.run("jobs", "list", "--trainer", "localhost");
    assertEquals(Dlfctl.BAD_INPUT, badTarget.exitCode(), badTarget.toString());
    assertTrue(badTarget.err().contains("'localhost' is not host:port"), badTarget.toString());
  }
}
