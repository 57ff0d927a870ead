package io.dlf.trainer.server.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.dlf.server.GrpcErrors;
import io.grpc.StatusRuntimeException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;

/**
 * The shared PostgreSQL database: a connection pool, the schema brought up to date at start
 * (Flyway, {@code db/trainer/V*.sql}), and transactions. A database that cannot be reached makes
 * calls fail within seconds, never hang: connections are given up after {@link #CONNECT_TIMEOUT}
 * and statements after {@link #STATEMENT_TIMEOUT}.
 */
public final class JobDatabase implements AutoCloseable {
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);
  static final Duration STATEMENT_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration RETRY = Duration.ofSeconds(2);

  /** Work done in one transaction. */
  @FunctionalInterface
  public interface Work<T> {
    T run(Connection connection) throws SQLException;
  }

  private final DatabaseSettings settings;
  private final HikariDataSource pool;

  private JobDatabase(DatabaseSettings settings, HikariDataSource pool) {
    this.settings = settings;
    this.pool = pool;
  }

  /**
   * Connects and migrates the schema.
   *
   * @throws IllegalStateException naming the database if it cannot be reached or migrated
   */
  public static JobDatabase open(DatabaseSettings settings, String poolName) {
    HikariConfig config = new HikariConfig();
    config.setPoolName(poolName);
    config.setJdbcUrl(settings.url());
    if (!settings.user().isEmpty()) {
      config.setUsername(settings.user());
    }
    if (!settings.password().isEmpty()) {
      config.setPassword(settings.password());
    }
    config.setMaximumPoolSize(8);
    config.setConnectionTimeout(CONNECT_TIMEOUT.toMillis());
    config.setValidationTimeout(Math.min(CONNECT_TIMEOUT.toMillis(), 1000));
    config.addDataSourceProperty("connectTimeout", CONNECT_TIMEOUT.toSeconds());
    config.addDataSourceProperty("socketTimeout", STATEMENT_TIMEOUT.toSeconds() + CONNECT_TIMEOUT.toSeconds());
    config.addDataSourceProperty("options", "-c statement_timeout=" + STATEMENT_TIMEOUT.toMillis());
    config.setAutoCommit(false);
    HikariDataSource pool;
    try {
      pool = new HikariDataSource(config);
    } catch (RuntimeException e) {
      throw new IllegalStateException("cannot connect to the job database " + settings.describe() + ": "
          + rootMessage(e), e);
    }
    try {
      Flyway.configure().dataSource(pool).locations("classpath:db/trainer").load().migrate();
    } catch (FlywayException e) {
      pool.close();
      throw new IllegalStateException("cannot bring the job database " + settings.describe()
          + " up to date: " + rootMessage(e), e);
    }
    return new JobDatabase(settings, pool);
  }

  public DatabaseSettings settings() {
    return settings;
  }

  /** Runs {@code work} in a transaction; commits it, or rolls it back if it throws. */
  public <T> T transaction(Work<T> work) throws SQLException {
    try (Connection connection = pool.getConnection()) {
      try {
        T result = work.run(connection);
        connection.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        rollbackQuietly(connection, e);
        throw e;
      }
    }
  }

  /**
   * For an API call: runs {@code work} in a transaction; a database error becomes UNAVAILABLE
   * naming the database, a status thrown by {@code work} passes through.
   */
  public <T> T call(String what, Work<T> work) {
    try {
      return transaction(work);
    } catch (SQLException e) {
      throw unavailable(what, e);
    }
  }

  /** UNAVAILABLE, naming the database and what could not be done. */
  public StatusRuntimeException unavailable(String what, SQLException e) {
    return GrpcErrors.unavailable("the job database " + settings.describe() + " cannot be reached (" + rootMessage(e)
        + "), so the trainer could not " + what + "; try again in a few seconds", RETRY);
  }

  private static void rollbackQuietly(Connection connection, Exception cause) {
    try {
      connection.rollback();
    } catch (SQLException e) {
      cause.addSuppressed(e);
    }
  }

  static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getMessage() != null ? root.getMessage() : root.getClass().getSimpleName();
  }

  @Override
  public void close() {
    pool.close();
  }
}
