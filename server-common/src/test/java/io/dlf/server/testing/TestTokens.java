package io.dlf.server.testing;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;

/** An RSA key pair made for a test, its public key as a PEM file, and JWTs it signs. */
public final class TestTokens {
  private final KeyPair key;
  private final Path publicKeyFile;

  private TestTokens(KeyPair key, Path publicKeyFile) {
    this.key = key;
    this.publicKeyFile = publicKeyFile;
  }

  /** A new key pair; the public key goes to {@code publicKeyFile}. */
  public static TestTokens create(Path publicKeyFile) throws IOException, GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    KeyPair key = generator.generateKeyPair();
    Files.createDirectories(publicKeyFile.toAbsolutePath().getParent());
    Files.writeString(publicKeyFile, Pem.of("PUBLIC KEY", key.getPublic().getEncoded()),
        StandardCharsets.US_ASCII);
    return new TestTokens(key, publicKeyFile);
  }

  public Path publicKeyFile() {
    return publicKeyFile;
  }

  /** Writes the public key as a JWKS document (with a key id) to {@code file}, the other form servers read. */
  public Path writeJwks(Path file) throws IOException {
    RSAKey jwk = new RSAKey.Builder((RSAPublicKey) key.getPublic()).keyID("test-key").build();
    Files.writeString(file, new JWKSet(jwk).toString(), StandardCharsets.UTF_8);
    return file;
  }

  /** A JWT for {@code subject} valid from now for {@code lifetime} (negative: already expired). */
  public String jwt(String subject, Duration lifetime) {
    Instant now = Instant.now();
    JWTClaimsSet claims = new JWTClaimsSet.Builder().subject(subject).issueTime(Date.from(now))
        .expirationTime(Date.from(now.plus(lifetime))).build();
    SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.RS256), claims);
    try {
      jwt.sign(new RSASSASigner(key.getPrivate()));
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot sign a test JWT", e);
    }
    return jwt.serialize();
  }

  /** A JWT for {@code subject} valid for an hour. */
  public String jwt(String subject) {
    return jwt(subject, Duration.ofHours(1));
  }
}
