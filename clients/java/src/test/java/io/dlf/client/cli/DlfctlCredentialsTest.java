package io.dlf.client.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.dlf.server.auth.AuthConfig;
import io.dlf.server.auth.TokenFile;
import io.dlf.serving.ServingConfig;
import io.dlf.serving.ServingServer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** dlfctl with a token against a serving server that requires one, and its refusal in one line without. */
@Tag("e2e")
class DlfctlCredentialsTest {

  @Test
  void aTokenFromTheCommandLineOrAFileGetsInAndNoneIsRefusedInOneLine(@TempDir Path dir) throws Exception {
    Path tokens = dir.resolve("tokens.txt");
    Files.writeString(tokens, "ops = sha256:" + TokenFile.sha256("ops-token-0123456789") + "\n");
    Path tokenFile = dir.resolve("ops.token");
    Files.writeString(tokenFile, "ops-token-0123456789");
    ServingServer server = ServingServer.create(ServingConfig.local(Files.createDirectories(dir.resolve("models")))
        .withAuth(AuthConfig.none().withTokenFile(tokens)));
    server.start();
    try {
      Cli withToken = Cli.run("models", "list", "--serving", server.target(), "--token", "ops-token-0123456789");
      assertEquals(0, withToken.exitCode(), withToken.toString());
      Cli withFile = Cli.run("models", "list", "--serving", server.target(), "--token-file", tokenFile.toString());
      assertEquals(0, withFile.exitCode(), withFile.toString());

      Cli without = Cli.run("models", "list", "--serving", server.target());
      assertEquals(1, without.exitCode(), without.toString());
      assertEquals("dlfctl: ListModels on the serving server at " + server.target() + ": UNAUTHENTICATED: the serving "
          + "server needs credentials: a bearer token (authorization: Bearer TOKEN)\n", without.err());
    } finally {
      server.stop();
    }
  }
}
