package io.dlf.server.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads a policy file: one principal per line, {@code principal = role, role, ...}; {@code #} starts a comment,
 * blank lines are skipped, {@code *} stands for every authenticated principal. A scoped role is written
 * {@code role:SCOPE} ({@code predict:ctr}, {@code data:/srv/data/frappe}, {@code data:*}). Every mistake is reported
 * with its file and line.
 */
public final class PolicyFile {
  private PolicyFile() {}

  /** @throws IllegalArgumentException {@code file:line: what is wrong}, for the first bad line */
  public static Policy read(Path file, AccessRules rules) throws IOException {
    return parse(file.toString(), Files.readAllLines(file, StandardCharsets.UTF_8), rules);
  }

  static Policy parse(String source, List<String> lines, AccessRules rules) {
    Map<String, List<Grant>> grants = new LinkedHashMap<>();
    Map<String, Integer> firstLine = new HashMap<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = stripComment(lines.get(i)).strip();
      if (line.isEmpty()) {
        continue;
      }
      String where = source + ":" + (i + 1) + ": ";
      int equals = line.indexOf('=');
      if (equals < 0) {
        throw new IllegalArgumentException(where + "expected 'principal = role, role, ...', found '" + line + "'");
      }
      String principal = line.substring(0, equals).strip();
      if (principal.isEmpty()) {
        throw new IllegalArgumentException(where + "no principal before '='");
      }
      Integer earlier = firstLine.putIfAbsent(principal, i + 1);
      if (earlier != null) {
        throw new IllegalArgumentException(where + "'" + principal + "' is listed again (first on line " + earlier
            + "); give all its roles on one line");
      }
      Set<Grant> granted = new LinkedHashSet<>();
      for (String entry : line.substring(equals + 1).split(",", -1)) {
        String text = entry.strip();
        if (text.isEmpty()) {
          throw new IllegalArgumentException(where + "an empty role in '" + line + "' (roles are separated by commas)");
        }
        Grant grant = grant(text, rules, where);
        granted.add(grant);
        for (String implied : rules.role(grant.role()).orElseThrow().implies()) {
          granted.add(new Grant(implied, grant.scope(), grant.underPath()));
        }
      }
      grants.put(principal, List.copyOf(granted));
    }
    return Policy.of(grants);
  }

  private static Grant grant(String text, AccessRules rules, String where) {
    int colon = text.indexOf(':');
    String name = colon < 0 ? text : text.substring(0, colon);
    Optional<String> scope = colon < 0 ? Optional.empty() : Optional.of(text.substring(colon + 1).strip());
    Role role = rules.role(name).orElseThrow(() -> new IllegalArgumentException(where + "unknown role '" + name
        + "'; the " + rules.server() + "'s roles are " + rules.usage()));
    return switch (role.scope()) {
      case NONE -> {
        if (scope.isPresent()) {
          throw new IllegalArgumentException(where + "role '" + name + "' takes no scope, found '" + text + "'");
        }
        yield new Grant(name, Grant.ALL, false);
      }
      case NAME -> {
        if (scope.isPresent() && scope.get().isEmpty()) {
          throw new IllegalArgumentException(where + "'" + text + "' names nothing after ':' (" + role.usage() + ")");
        }
        yield new Grant(name, scope.orElse(Grant.ALL), false);
      }
      case PATH -> new Grant(name, folder(text, scope, role, where), true);
    };
  }

  private static String folder(String text, Optional<String> scope, Role role, String where) {
    if (scope.isEmpty() || scope.get().isEmpty()) {
      throw new IllegalArgumentException(where + "'" + text + "' needs a folder: " + role.usage());
    }
    if (scope.get().equals(Grant.ALL)) {
      return Grant.ALL;
    }
    Path path = Path.of(scope.get());
    if (!path.isAbsolute()) {
      throw new IllegalArgumentException(where + "'" + text + "': the folder must be an absolute path");
    }
    return path.normalize().toString();
  }

  private static String stripComment(String line) {
    int hash = line.indexOf('#');
    return hash < 0 ? line : line.substring(0, hash);
  }
}
