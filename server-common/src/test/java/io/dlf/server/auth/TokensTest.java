package io.dlf.server.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dlf.server.testing.TestTokens;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Static hashed tokens, JWT verification, and the cache of verified tokens honouring expiry. */
class TokensTest {

  @Test
  void staticTokensAreLookedUpByTheirHash() throws Exception {
    TokenFile file = TokenFile.parse("tokens.txt", List.of("# ci", "ci-bot = sha256:" + TokenFile.sha256("s3cret-1"),
        "Alice Smith=sha256:" + TokenFile.sha256("s3cret-2").toUpperCase(java.util.Locale.ROOT)));
    assertEquals(new Principal("ci-bot", "token"), file.verify("s3cret-1").principal());
    assertEquals("Alice Smith", file.verify("s3cret-2").principal().name());
    assertEquals("the bearer token is not one of the server's tokens",
        assertThrows(AuthenticationException.class, () -> file.verify("s3cret-3")).getMessage());
    assertEquals("tokens.txt:1: expected 'principal = sha256:<64 hex digits>' (the SHA-256 of the token, e.g. from "
        + "`printf %s \"$TOKEN\" | sha256sum`)", assertThrows(IllegalArgumentException.class,
            () -> TokenFile.parse("tokens.txt", List.of("ci-bot = s3cret"))).getMessage());
  }

  @Test
  void jwtsAreVerifiedAgainstAPemKeyOrAJwksWithTheirClaims(@TempDir Path dir) throws Exception {
    TestTokens tokens = TestTokens.create(dir.resolve("key.pem"));
    TestTokens foreign = TestTokens.create(dir.resolve("other.pem"));
    JwtVerifier verifier = JwtVerifier.fromFile(tokens.publicKeyFile(), Optional.empty(), Optional.empty());
    assertEquals(new Principal("alice", "jwt"), verifier.verify(tokens.jwt("alice")).principal());
    assertTrue(assertThrows(AuthenticationException.class, () -> verifier.verify(tokens.jwt("alice",
        Duration.ofMinutes(-5)))).getMessage().contains("Expired JWT"));
    assertTrue(assertThrows(AuthenticationException.class, () -> verifier.verify(foreign.jwt("alice")))
        .getMessage().startsWith("the JWT was refused: "));
    JwtVerifier fromJwks = JwtVerifier.fromFile(tokens.writeJwks(dir.resolve("jwks.json")), Optional.empty(),
        Optional.empty());
    assertEquals(new Principal("bob", "jwt"), fromJwks.verify(tokens.jwt("bob")).principal());
    assertTrue(assertThrows(AuthenticationException.class, () -> fromJwks.verify(foreign.jwt("bob")))
        .getMessage().startsWith("the JWT was refused: "));
    JwtVerifier withIssuer = JwtVerifier.fromFile(tokens.publicKeyFile(), Optional.of("https://idp"), Optional.empty());
    assertTrue(assertThrows(AuthenticationException.class, () -> withIssuer.verify(tokens.jwt("alice")))
        .getMessage().contains("iss"));
  }

  @Test
  void theCacheVerifiesATokenOnceAndRefusesItOnceExpired(@TempDir Path dir) throws Exception {
    TestTokens tokens = TestTokens.create(dir.resolve("key.pem"));
    JwtVerifier jwt = JwtVerifier.fromFile(tokens.publicKeyFile(), Optional.empty(), Optional.empty());
    AtomicInteger verifications = new AtomicInteger();
    BearerTokenVerifier counting = new BearerTokenVerifier() {
      @Override
      public boolean accepts(String token) {
        return jwt.accepts(token);
      }

      @Override
      public Verified verify(String token) throws AuthenticationException {
        verifications.incrementAndGet();
        return jwt.verify(token);
      }
    };
    MutableClock clock = new MutableClock(Instant.now());
    Policy policy = Policy.everyRole(new AccessRules("test", List.of(Role.named("predict")), Map.of()));
    TokenCache cache = new TokenCache(List.of(counting), policy::access, clock);
    String token = tokens.jwt("alice", Duration.ofMinutes(2));
    for (int i = 0; i < 100; i++) {
      assertEquals("alice", cache.access(token).principal().name());
    }
    assertEquals(1, verifications.get());
    clock.now = clock.now.plus(Duration.ofMinutes(2)).plus(JwtVerifier.CLOCK_SKEW);
    assertEquals("the JWT was refused: Expired JWT",
        assertThrows(AuthenticationException.class, () -> cache.access(token)).getMessage());
  }

  private static final class MutableClock extends Clock {
    volatile Instant now;

    MutableClock(Instant now) {
      this.now = now;
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }
}
