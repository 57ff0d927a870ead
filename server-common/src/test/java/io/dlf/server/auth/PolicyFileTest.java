package io.dlf.server.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Policy files: roles with their scopes and implied roles, and a mistake reported with its line. */
class PolicyFileTest {
  private static final AccessRules RULES = new AccessRules("test server", List.of(
      Role.plain("jobs.read"), Role.plain("jobs.admin", "jobs.read"), Role.named("predict"), Role.path("data")),
      Map.of());

  private static Policy parse(String... lines) {
    return PolicyFile.parse("policy.txt", List.of(lines), RULES);
  }

  @Test
  void grantsRolesWithScopesAndWhatTheyImply() {
    Policy policy = parse("# who may do what", "", "alice = predict:ctr, data:/srv/data/frappe  # her model",
        "ops = jobs.admin, data:*", "* = predict:shared");
    Access alice = policy.access(new Principal("alice", "jwt"));
    assertTrue(alice.allows("predict", "ctr"));
    assertTrue(alice.allows("predict", "shared"));
    assertFalse(alice.allows("predict", "cvr"));
    assertTrue(alice.allows("data", "/srv/data/frappe/frappe.train.libfm"));
    assertFalse(alice.allows("data", "/srv/data/criteo/train.txt"));
    assertFalse(alice.allows("data", "/srv/data/frappe/../criteo/train.txt"));
    assertFalse(alice.has("jobs.read"));

    Access ops = policy.access(new Principal("ops", "certificate"));
    assertTrue(ops.has("jobs.read"), "jobs.admin implies jobs.read");
    assertTrue(ops.allows("data", "/anything/at/all"));
    assertFalse(ops.allows("predict", "ctr"));

    Access stranger = policy.access(new Principal("mallory", "jwt"));
    assertEquals(List.of("predict:shared"), stranger.grants().stream().map(Grant::toString).toList());
  }

  @Test
  void aMistakeNamesItsLine() {
    assertEquals("policy.txt:2: unknown role 'jobs.raed'; the test server's roles are jobs.read, jobs.admin, "
        + "predict[:NAME], data:FOLDER|data:*", message("# roles", "alice = jobs.raed"));
    assertEquals("policy.txt:1: expected 'principal = role, role, ...', found 'alice jobs.read'",
        message("alice jobs.read"));
    assertEquals("policy.txt:3: 'alice' is listed again (first on line 1); give all its roles on one line",
        message("alice = jobs.read", "bob = jobs.read", "alice = predict"));
    assertEquals("policy.txt:1: 'data' needs a folder: data:FOLDER|data:*", message("alice = data"));
    assertEquals("policy.txt:1: 'data:srv/data': the folder must be an absolute path", message("alice = data:srv/data"));
    assertEquals("policy.txt:1: role 'jobs.read' takes no scope, found 'jobs.read:mine'",
        message("alice = jobs.read:mine"));
    assertEquals("policy.txt:1: an empty role in 'alice = jobs.read,' (roles are separated by commas)",
        message("alice = jobs.read,"));
  }

  private static String message(String... lines) {
    return assertThrows(IllegalArgumentException.class, () -> parse(lines)).getMessage();
  }
}
