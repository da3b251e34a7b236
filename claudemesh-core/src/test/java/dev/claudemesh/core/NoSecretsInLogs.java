package dev.claudemesh.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.ArrayList;
import java.util.List;

/**
 * The secret scan every module's last test class runs: no value a test registered with {@link
 * CapturedLogs#rememberSecret} appears in anything the module's tests logged.
 */
public final class NoSecretsInLogs {
  private NoSecretsInLogs() {}

  public static void assertNoneLogged() {
    List<String> lines = CapturedLogs.lines();
    assertFalse(lines.isEmpty(), "the suite logged nothing, so the scan would prove nothing");
    assertFalse(CapturedLogs.secrets().isEmpty(), "no test registered a secret");
    List<String> leaks = new ArrayList<>();
    for (String secret : CapturedLogs.secrets()) {
      for (String line : lines) {
        if (line.contains(secret)) {
          leaks.add("secret of " + secret.length() + " chars in: " + line.replace(secret, "<SECRET>"));
        }
      }
    }
    assertEquals(List.of(), leaks);
  }
}
