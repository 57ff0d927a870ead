package io.dlf.server.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyType;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Verifies JWTs (nimbus-jose-jwt) signed with RSA or EC keys: against one PEM public key or the keys of a JWKS
 * file. A token needs {@code sub} (the principal) and {@code exp}; {@code iss} and {@code aud} must match when
 * configured. HMAC tokens are never accepted.
 */
public final class JwtVerifier implements BearerTokenVerifier {
  /** How far clocks may disagree about {@code exp} and {@code nbf}. */
  public static final Duration CLOCK_SKEW = Duration.ofSeconds(30);

  private final DefaultJWTProcessor<SecurityContext> processor;

  private JwtVerifier(JWKSet keys, Optional<String> issuer, Optional<String> audience) {
    Set<JWSAlgorithm> algorithms = new HashSet<>();
    for (JWK key : keys.getKeys()) {
      algorithms.addAll(key.getKeyType() == KeyType.RSA ? JWSAlgorithm.Family.RSA : JWSAlgorithm.Family.EC);
    }
    processor = new DefaultJWTProcessor<>();
    processor.setJWSKeySelector(new JWSVerificationKeySelector<>(algorithms, new ImmutableJWKSet<>(keys)));
    JWTClaimsSet.Builder exact = new JWTClaimsSet.Builder();
    issuer.ifPresent(exact::issuer);
    DefaultJWTClaimsVerifier<SecurityContext> claims = new DefaultJWTClaimsVerifier<>(audience.orElse(null),
        exact.build(), Set.of("sub", "exp"));
    claims.setMaxClockSkew((int) CLOCK_SKEW.toSeconds());
    processor.setJWTClaimsSetVerifier(claims);
  }

  /**
   * The keys of {@code file}: a JWKS document ({@code {"keys": [...]}}) or a PEM public key
   * ({@code -----BEGIN PUBLIC KEY-----}, RSA or EC).
   *
   * @throws IllegalArgumentException naming the file and what it should hold
   */
  public static JwtVerifier fromFile(Path file, Optional<String> issuer, Optional<String> audience) throws IOException {
    String text = Files.readString(file, StandardCharsets.UTF_8).strip();
    JWKSet keys;
    try {
      keys = text.startsWith("{") ? JWKSet.parse(text) : new JWKSet(jwk(publicKey(text, file)));
    } catch (ParseException | GeneralSecurityException e) {
      throw new IllegalArgumentException(file + " holds no usable JWT verification key (a JWKS document or a PEM "
          + "'BEGIN PUBLIC KEY' block, RSA or EC): " + e.getMessage(), e);
    }
    List<JWK> usable = keys.getKeys().stream()
        .filter(k -> k.getKeyType() == KeyType.RSA || k.getKeyType() == KeyType.EC).toList();
    if (usable.isEmpty()) {
      throw new IllegalArgumentException(file + " holds no RSA or EC public key to verify JWTs with");
    }
    return new JwtVerifier(new JWKSet(usable).toPublicJWKSet(), issuer, audience);
  }

  private static PublicKey publicKey(String pem, Path file) throws GeneralSecurityException {
    String begin = "-----BEGIN PUBLIC KEY-----";
    String end = "-----END PUBLIC KEY-----";
    int from = pem.indexOf(begin);
    int to = pem.indexOf(end);
    if (from < 0 || to < from) {
      throw new IllegalArgumentException(file + " is neither a JWKS document nor a PEM public key (" + begin + ")");
    }
    byte[] der = Base64.getMimeDecoder().decode(pem.substring(from + begin.length(), to));
    X509EncodedKeySpec spec = new X509EncodedKeySpec(der);
    try {
      return KeyFactory.getInstance("RSA").generatePublic(spec);
    } catch (GeneralSecurityException notRsa) {
      return KeyFactory.getInstance("EC").generatePublic(spec);
    }
  }

  private static JWK jwk(PublicKey key) {
    if (key instanceof RSAPublicKey rsa) {
      return new RSAKey.Builder(rsa).build();
    }
    ECPublicKey ec = (ECPublicKey) key;
    return new ECKey.Builder(Curve.forECParameterSpec(ec.getParams()), ec).build();
  }

  @Override
  public boolean accepts(String token) {
    return token.chars().filter(c -> c == '.').count() == 2;
  }

  @Override
  public Verified verify(String token) throws AuthenticationException {
    JWTClaimsSet claims;
    try {
      claims = processor.process(token, null);
    } catch (ParseException e) {
      throw new AuthenticationException("the bearer token is not a JWT: " + e.getMessage());
    } catch (BadJOSEException | JOSEException e) {
      throw new AuthenticationException("the JWT was refused: " + e.getMessage());
    }
    Instant expiry = claims.getExpirationTime().toInstant().plus(CLOCK_SKEW);
    return new Verified(new Principal(claims.getSubject(), "jwt"), Optional.of(expiry));
  }
}
