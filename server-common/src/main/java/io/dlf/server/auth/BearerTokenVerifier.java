package io.dlf.server.auth;

import java.time.Instant;
import java.util.Optional;

/** Checks the token of an {@code authorization: Bearer TOKEN} header. */
public interface BearerTokenVerifier {

  /** A token's principal, and until when the token holds (absent: it does not expire). */
  record Verified(Principal principal, Optional<Instant> expiresAt) {}

  /** Whether this verifier reads tokens of this form (a JWT has three dot-separated parts). */
  boolean accepts(String token);

  /** @throws AuthenticationException saying why the token is refused (expired, bad signature, unknown) */
  Verified verify(String token) throws AuthenticationException;
}
