package io.dlf.server.auth;

import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Bearer tokens already verified, with what their principal may do, so that a client repeating a token (every
 * call of a predicting client) costs a map lookup instead of a signature check. An entry is dropped after
 * {@link #RECHECK_AFTER} (so a changed token file or key set takes effect) and refused once its token expired.
 */
final class TokenCache {
  static final Duration RECHECK_AFTER = Duration.ofMinutes(5);
  private static final int MAX_TOKENS = 10_000;

  private record Entry(Access access, Optional<Instant> expiresAt) {}

  private final List<BearerTokenVerifier> verifiers;
  private final Function<Principal, Access> policy;
  private final Clock clock;
  private final Cache<String, Entry> verified = CacheBuilder.newBuilder()
      .maximumSize(MAX_TOKENS).expireAfterWrite(RECHECK_AFTER).build();

  TokenCache(List<BearerTokenVerifier> verifiers, Function<Principal, Access> policy, Clock clock) {
    this.verifiers = List.copyOf(verifiers);
    this.policy = policy;
    this.clock = clock;
  }

  /** What the holder of {@code token} may do. */
  Access access(String token) throws AuthenticationException {
    Entry entry = verified.getIfPresent(token);
    if (entry == null) {
      BearerTokenVerifier.Verified v = verifier(token).verify(token);
      entry = new Entry(policy.apply(v.principal()), v.expiresAt());
      verified.put(token, entry);
    }
    Instant now = clock.instant();
    if (entry.expiresAt().isPresent() && !now.isBefore(entry.expiresAt().get())) {
      verified.invalidate(token);
      throw new AuthenticationException("the JWT was refused: Expired JWT");
    }
    return entry.access();
  }

  private BearerTokenVerifier verifier(String token) throws AuthenticationException {
    for (BearerTokenVerifier v : verifiers) {
      if (v.accepts(token)) {
        return v;
      }
    }
    throw new AuthenticationException("the bearer token is not a JWT, and this server takes only JWTs");
  }
}
