package io.dlf.trainer.server.postgres;

import java.sql.SQLException;
import java.util.logging.Logger;

/** Logs once when the database goes away (and what waits for it) and once when it is back, not at every retry. */
final class DatabaseOutage {
  private final Logger log;
  private final DatabaseSettings database;
  private boolean away;

  DatabaseOutage(Logger log, DatabaseSettings database) {
    this.log = log;
    this.database = database;
  }

  synchronized void began(String consequence, SQLException e) {
    if (!away) {
      away = true;
      log.warning("the job database " + database.describe() + " cannot be reached (" + JobDatabase.rootMessage(e)
          + "): " + consequence + "; retrying");
    }
  }

  synchronized void over() {
    if (away) {
      away = false;
      log.info("the job database " + database.describe() + " is back");
    }
  }
}
