package io.dlf.server.auth;

import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Optional;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * The principal of a verified client certificate (mTLS): the common name (CN) of its subject, else the whole
 * subject as RFC 2253 writes it. The TLS handshake already checked the certificate against the client CA.
 */
final class ClientCertificates {
  private ClientCertificates() {}

  static Optional<Principal> principal(SSLSession session) {
    if (session == null) {
      return Optional.empty();
    }
    Certificate[] chain;
    try {
      chain = session.getPeerCertificates();
    } catch (SSLPeerUnverifiedException noCertificate) {
      return Optional.empty();
    }
    if (chain.length == 0 || !(chain[0] instanceof X509Certificate leaf)) {
      return Optional.empty();
    }
    String subject = leaf.getSubjectX500Principal().getName();
    return Optional.of(new Principal(commonName(subject).orElse(subject), "certificate"));
  }

  private static Optional<String> commonName(String subject) {
    try {
      for (Rdn rdn : new LdapName(subject).getRdns()) {
        if (rdn.getType().equalsIgnoreCase("CN")) {
          return Optional.of(rdn.getValue().toString());
        }
      }
    } catch (InvalidNameException e) {
      return Optional.empty();
    }
    return Optional.empty();
  }
}
