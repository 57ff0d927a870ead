package io.dlf.trainer.server.postgres;

import static java.util.Objects.requireNonNull;

/**
 * Where the shared job store and queue live.
 *
 * @param url a JDBC URL, {@code jdbc:postgresql://host:5432/dlf}
 * @param user the database user ("" to leave it to the URL or the driver's defaults)
 * @param password the user's password ("" for none)
 */
public record DatabaseSettings(String url, String user, String password) {

  public DatabaseSettings {
    requireNonNull(url, "url is null");
    requireNonNull(user, "user is null");
    requireNonNull(password, "password is null");
    if (!url.startsWith("jdbc:postgresql:")) {
      throw new IllegalArgumentException("database URL '" + describe(url) + "' is not a PostgreSQL JDBC URL such as "
          + "jdbc:postgresql://db.example:5432/dlf (--database-url)");
    }
  }

  /** The URL without its query (which may hold a password), for messages and logs. */
  public String describe() {
    return describe(url);
  }

  private static String describe(String url) {
    int query = url.indexOf('?');
    return query < 0 ? url : url.substring(0, query);
  }

  @Override
  public String toString() {
    return "DatabaseSettings[" + describe() + ", user " + user + "]";
  }
}
