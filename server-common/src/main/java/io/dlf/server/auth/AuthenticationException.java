package io.dlf.server.auth;

/** Credentials that were presented and refused; the message says why, for the caller. */
public final class AuthenticationException extends Exception {
  private static final long serialVersionUID = 1L;

  public AuthenticationException(String message) {
    super(message);
  }
}
