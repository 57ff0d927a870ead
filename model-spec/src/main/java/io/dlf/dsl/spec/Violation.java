package io.dlf.dsl.spec;

import static java.util.Objects.requireNonNull;

/** One broken rule of a model spec: where ({@code path}, e.g. {@code dlf.layers[2].naf.heads}) and what. */
public record Violation(String path, String message) {

  public Violation {
    requireNonNull(path, "path is null");
    requireNonNull(message, "message is null");
  }

  @Override
  public String toString() {
    return path + ": " + message;
  }
}
