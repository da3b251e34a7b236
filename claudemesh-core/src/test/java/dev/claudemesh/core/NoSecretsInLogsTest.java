package dev.claudemesh.core;

import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/** Runs after every other test class of the module and scans everything they logged. */
@Order(Integer.MAX_VALUE)
class NoSecretsInLogsTest {
  @Test
  void noSecretCreatedByTheSuiteWasLogged() {
    NoSecretsInLogs.assertNoneLogged();
  }
}
