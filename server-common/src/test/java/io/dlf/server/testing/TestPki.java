package io.dlf.server.testing;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throwaway certificate authority made when a test runs (nothing is committed), and PEM files signed by it: a
 * server certificate for {@code localhost} and {@code 127.0.0.1}, and client certificates whose CN names a principal.
 */
public final class TestPki {
  private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

  private final Path dir;
  private final KeyPair caKey;
  private final X509Certificate ca;

  private TestPki(Path dir, KeyPair caKey, X509Certificate ca) {
    this.dir = dir;
    this.caKey = caKey;
    this.ca = ca;
  }

  /** A new CA whose files go under {@code dir}, its certificate in {@code ca.pem}. */
  public static TestPki create(Path dir, String name) throws IOException, GeneralSecurityException {
    Files.createDirectories(dir);
    KeyPair key = keyPair();
    X500Name subject = new X500Name("CN=" + name);
    X509v3CertificateBuilder builder = builder(subject, subject, key);
    builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
    TestPki pki = new TestPki(dir, key, sign(builder, key));
    Files.writeString(pki.caFile(), Pem.of("CERTIFICATE", pki.ca.getEncoded()), StandardCharsets.US_ASCII);
    return pki;
  }

  public Path caFile() {
    return dir.resolve("ca.pem");
  }

  /** A certificate for {@code localhost} and {@code 127.0.0.1}: {@code [server.pem, server.key]}. */
  public Path[] server() throws IOException, GeneralSecurityException {
    return issue("server", GeneralNames.getInstance(new org.bouncycastle.asn1.DERSequence(new GeneralName[] {
        new GeneralName(GeneralName.dNSName, "localhost"), new GeneralName(GeneralName.iPAddress, "127.0.0.1")})));
  }

  /** A client certificate with subject {@code CN=name}: {@code [name.pem, name.key]}. */
  public Path[] client(String name) throws IOException, GeneralSecurityException {
    return issue(name, null);
  }

  private Path[] issue(String name, GeneralNames altNames) throws IOException, GeneralSecurityException {
    KeyPair key = keyPair();
    X509v3CertificateBuilder builder = builder(new X500Name(ca.getSubjectX500Principal().getName()),
        new X500Name("CN=" + name + ",O=dlf-test"), key);
    if (altNames != null) {
      builder.addExtension(Extension.subjectAlternativeName, false, altNames);
    }
    X509Certificate certificate = sign(builder, caKey);
    Path cert = dir.resolve(name + ".pem");
    Path privateKey = dir.resolve(name + ".key");
    Files.writeString(cert, Pem.of("CERTIFICATE", certificate.getEncoded()), StandardCharsets.US_ASCII);
    Files.writeString(privateKey, Pem.of("PRIVATE KEY", key.getPrivate().getEncoded()), StandardCharsets.US_ASCII);
    return new Path[] {cert, privateKey};
  }

  private static KeyPair keyPair() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    return generator.generateKeyPair();
  }

  private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair key) {
    Instant now = Instant.now();
    return new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(SERIAL.incrementAndGet()),
        Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(2))), subject, key.getPublic());
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, KeyPair signer)
      throws GeneralSecurityException {
    try {
      return new JcaX509CertificateConverter().getCertificate(
          builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer.getPrivate())));
    } catch (OperatorCreationException e) {
      throw new GeneralSecurityException("cannot sign a test certificate", e);
    }
  }
}
