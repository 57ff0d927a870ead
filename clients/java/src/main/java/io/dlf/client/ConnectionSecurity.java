package io.dlf.client;

import io.grpc.CallCredentials;
import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.TlsChannelCredentials;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * How a connection proves who it talks to and who it is: TLS (trusting the system's CAs or a PEM file), a client
 * certificate, a bearer token.
 */
record ConnectionSecurity(boolean tls, Optional<Path> trustCertificates, Optional<Path[]> clientCertificate,
    Optional<String> token) {

  ChannelCredentials channelCredentials() {
    if (!tls) {
      return InsecureChannelCredentials.create();
    }
    TlsChannelCredentials.Builder builder = TlsChannelCredentials.newBuilder();
    try {
      if (trustCertificates.isPresent()) {
        builder.trustManager(trustCertificates.get().toFile());
      }
      if (clientCertificate.isPresent()) {
        builder.keyManager(clientCertificate.get()[0].toFile(), clientCertificate.get()[1].toFile());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read a TLS file: " + e.getMessage(), e);
    }
    return builder.build();
  }

  Optional<CallCredentials> callCredentials(Target target) {
    return token.map(t -> new BearerToken(t, target));
  }
}
