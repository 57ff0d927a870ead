package io.dlf.client;

import io.grpc.CallCredentials;
import io.grpc.Metadata;
import io.grpc.SecurityLevel;
import io.grpc.Status;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.concurrent.Executor;

/**
 * Sends {@code authorization: Bearer TOKEN} with every call, over TLS or to a loopback address only: a token in
 * plaintext across the network could be read by anyone on the way, so such a call fails UNAUTHENTICATED before it
 * is sent.
 */
final class BearerToken extends CallCredentials {
  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  private final String token;
  private final Target target;

  BearerToken(String token, Target target) {
    this.token = token;
    this.target = target;
  }

  @Override
  public void applyRequestMetadata(RequestInfo info, Executor executor, MetadataApplier applier) {
    if (info.getSecurityLevel() != SecurityLevel.PRIVACY_AND_INTEGRITY && !loopback(target.host())) {
      applier.fail(Status.UNAUTHENTICATED.withDescription("this client does not send its bearer token in plaintext to "
          + target + ", which is not a loopback address; connect with TLS"));
      return;
    }
    Metadata headers = new Metadata();
    headers.put(AUTHORIZATION, "Bearer " + token);
    applier.apply(headers);
  }

  private static boolean loopback(String host) {
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
