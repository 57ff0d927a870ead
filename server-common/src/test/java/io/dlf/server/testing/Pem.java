package io.dlf.server.testing;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** PEM text: base64 DER in 64-character lines between BEGIN and END lines (no BouncyCastle needed to write it). */
public final class Pem {
  private Pem() {}

  public static String of(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
        .encodeToString(der) + "\n-----END " + type + "-----\n";
  }
}
