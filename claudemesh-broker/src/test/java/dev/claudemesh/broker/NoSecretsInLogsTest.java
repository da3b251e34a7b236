package dev.claudemesh.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/** Runs after every other test class of the module and scans everything they logged. */
@Order(Integer.MAX_VALUE)
class NoSecretsInLogsTest {
  @Test
  void noSecretCreatedByTheSuiteWasLogged() {
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
