package io.dlf.client;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * How calls that are safe to repeat are retried when the server answers UNAVAILABLE (not
 * listening yet, shutting down, a model version still loading): at most {@code maxAttempts}
 * attempts, with randomized exponential backoff between {@code initialBackoff} and
 * {@code maxBackoff}. All attempts share the call's one deadline.
 *
 * <p>gRPC's own retry machinery does the work (it is configured through the channel's service
 * config), so a retried call is buffered and replayed by the transport, never by hand.
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff, double backoffMultiplier) {
  /** gRPC refuses more than 5 attempts unless the channel raises its limit; 5 is plenty for a blip. */
  static final int MAX_ATTEMPTS = 5;

  /** 4 attempts, backoff 100 ms doubling up to 2 s: rides over a restart of a few seconds. */
  public static final RetryPolicy DEFAULT = new RetryPolicy(4, Duration.ofMillis(100), Duration.ofSeconds(2), 2.0);

  /** One attempt: every error surfaces at once. */
  public static final RetryPolicy NONE = new RetryPolicy(1, Duration.ofMillis(100), Duration.ofMillis(100), 1.0);

  public RetryPolicy {
    requireNonNull(initialBackoff, "initialBackoff is null");
    requireNonNull(maxBackoff, "maxBackoff is null");
    if (maxAttempts < 1 || maxAttempts > MAX_ATTEMPTS) {
      throw new IllegalArgumentException("max attempts " + maxAttempts + " must be in 1.." + MAX_ATTEMPTS);
    }
    if (initialBackoff.isNegative() || initialBackoff.isZero() || maxBackoff.compareTo(initialBackoff) < 0) {
      throw new IllegalArgumentException("backoff must satisfy 0 < initial (" + initialBackoff + ") <= max ("
          + maxBackoff + ")");
    }
    if (!(backoffMultiplier >= 1.0)) {
      throw new IllegalArgumentException("backoff multiplier " + backoffMultiplier + " must be at least 1");
    }
  }

  /** The gRPC service config that applies this policy to {@code methods} (full names, {@code service/method}). */
  Map<String, Object> serviceConfig(List<String> methods) {
    if (maxAttempts == 1) {
      return Map.of();
    }
    List<Map<String, Object>> names = methods.stream().map(full -> {
      int slash = full.lastIndexOf('/');
      return Map.<String, Object>of("service", full.substring(0, slash), "method", full.substring(slash + 1));
    }).toList();
    Map<String, Object> retry = Map.of(
        "maxAttempts", (double) maxAttempts,
        "initialBackoff", seconds(initialBackoff),
        "maxBackoff", seconds(maxBackoff),
        "backoffMultiplier", backoffMultiplier,
        "retryableStatusCodes", List.of("UNAVAILABLE"));
    return Map.of("methodConfig", List.of(Map.of("name", names, "retryPolicy", retry)));
  }

  private static String seconds(Duration d) {
    return d.toNanos() / 1e9 + "s";
  }
}
