package io.dlf.server.auth;

import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * What a call of one method needs: a principal, and one of some roles; for a scoped role, on the resource
 * the request names (a model), which the interceptor reads from the request message before the service sees it.
 *
 * @param anyOf the roles of which one suffices; empty: any authenticated principal
 * @param resource the resource a request names, checked against the grants' scopes; absent: any scope will do
 */
public record MethodRule(List<String> anyOf, Optional<Function<Object, String>> resource) {

  public MethodRule {
    anyOf = List.copyOf(anyOf);
  }

  /** Any authenticated principal. */
  public static MethodRule authenticated() {
    return new MethodRule(List.of(), Optional.empty());
  }

  /** A grant of {@code role} with any scope (the service checks the scope itself, if it has one). */
  public static MethodRule role(String role) {
    return new MethodRule(List.of(role), Optional.empty());
  }

  /** One of {@code roles}, on what {@code resource} reads from the request. */
  public static <Q> MethodRule onResource(Class<Q> requestType, Function<Q, String> resource, String... roles) {
    return new MethodRule(List.of(roles), Optional.of(request -> resource.apply(requestType.cast(request))));
  }
}
