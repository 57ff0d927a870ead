package io.dlf.server.testing;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.dlf.server.audit.AuditInterceptor;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** The audit lines a server logs while this is open, parsed. */
public final class AuditCapture extends Handler implements AutoCloseable {
  private static final String PREFIX = "audit ";
  private final Logger logger = Logger.getLogger(AuditInterceptor.LOGGER);
  private final List<JsonObject> lines = new CopyOnWriteArrayList<>();

  public AuditCapture() {
    logger.addHandler(this);
  }

  @Override
  public void publish(LogRecord record) {
    String message = record.getMessage();
    if (message.startsWith(PREFIX)) {
      lines.add(JsonParser.parseString(message.substring(PREFIX.length())).getAsJsonObject());
    }
  }

  /** The lines so far whose method ends with {@code /method}. */
  public List<JsonObject> of(String method) {
    return lines.stream().filter(l -> l.get("method").getAsString().endsWith("/" + method)).toList();
  }

  @Override
  public void flush() {}

  @Override
  public void close() {
    logger.removeHandler(this);
  }
}
