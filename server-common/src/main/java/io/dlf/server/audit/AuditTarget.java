package io.dlf.server.audit;

/**
 * What a state-changing call acted on, for its audit line, e.g. {@code model=ctr label=prod version=3}.
 *
 * @param <Q> the request message
 * @param <R> the response message
 */
@FunctionalInterface
public interface AuditTarget<Q, R> {
  /**
   * @param request the request, or null when the call was refused before it was read
   * @param response the response, or null when the call failed
   */
  String describe(Q request, R response);
}
