package io.dlf.client.servers;

/** A server could not be started: a port in use, or the process ended before it answered. */
public final class ServerStartException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ServerStartException(String message) {
    super(message);
  }
}
