package io.dlf.server.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Static bearer tokens for small set-ups, kept hashed: a file of lines {@code principal = sha256:HEX}, the SHA-256
 * of each (random, high-entropy) token in hex; {@code #} starts a comment. A presented token is hashed and looked up,
 * so the file never holds a usable secret.
 */
public final class TokenFile implements BearerTokenVerifier {
  private static final Pattern LINE = Pattern.compile("(.+?)\\s*=\\s*sha256:([0-9a-fA-F]{64})");

  private final Map<String, Principal> byHash;

  private TokenFile(Map<String, Principal> byHash) {
    this.byHash = Map.copyOf(byHash);
  }

  /** @throws IllegalArgumentException {@code file:line: what is wrong} */
  public static TokenFile read(Path file) throws IOException {
    return parse(file.toString(), Files.readAllLines(file, StandardCharsets.UTF_8));
  }

  static TokenFile parse(String source, List<String> lines) {
    Map<String, Principal> byHash = new HashMap<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).replaceFirst("#.*", "").strip();
      if (line.isEmpty()) {
        continue;
      }
      Matcher m = LINE.matcher(line);
      if (!m.matches()) {
        throw new IllegalArgumentException(source + ":" + (i + 1) + ": expected 'principal = sha256:<64 hex digits>' "
            + "(the SHA-256 of the token, e.g. from `printf %s \"$TOKEN\" | sha256sum`)");
      }
      Principal earlier = byHash.put(m.group(2).toLowerCase(java.util.Locale.ROOT), new Principal(m.group(1), "token"));
      if (earlier != null) {
        throw new IllegalArgumentException(source + ":" + (i + 1) + ": this token hash is also " + earlier.name()
            + "'s; each principal needs a token of its own");
      }
    }
    if (byHash.isEmpty()) {
      throw new IllegalArgumentException(source + " holds no token (lines 'principal = sha256:<hex>')");
    }
    return new TokenFile(byHash);
  }

  /** The hex SHA-256 of a token's UTF-8 bytes, as the file lists it. */
  public static String sha256(String token) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java has SHA-256", e);
    }
  }

  @Override
  public boolean accepts(String token) {
    return true;
  }

  @Override
  public Verified verify(String token) throws AuthenticationException {
    Principal principal = byHash.get(sha256(token));
    if (principal == null) {
      throw new AuthenticationException("the bearer token is not one of the server's tokens");
    }
    return new Verified(principal, Optional.empty());
  }
}
