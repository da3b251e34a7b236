package dev.claudemesh.core.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class IdentityModeTest {
  @ParameterizedTest(name = "{0}={1} -> {2}")
  @CsvSource({
    "CI, true, EPHEMERAL",
    "CI, TRUE, EPHEMERAL",
    "CI, false, PERSISTENT",
    "CI, 1, PERSISTENT",
    "GITHUB_ACTIONS, true, EPHEMERAL",
    "GITLAB_CI, true, EPHEMERAL",
    "BUILDKITE, true, EPHEMERAL",
    "CIRCLECI, true, EPHEMERAL",
    "JENKINS_URL, http://jenkins.example/, EPHEMERAL",
    "KUBERNETES_SERVICE_HOST, 10.0.0.1, EPHEMERAL",
    "RUNPOD_POD_ID, abc123, PERSISTENT",
    "HOME, /home/x, PERSISTENT",
  })
  void detectsCi(String variable, String value, IdentityMode expected) {
    assertEquals(expected, IdentityMode.decide(Map.of(variable, value), false, false).mode());
  }

  @Test
  void flagsWinOverDetection() {
    assertEquals(IdentityMode.PERSISTENT, IdentityMode.decide(Map.of("CI", "true"), true, false).mode());
    assertEquals(IdentityMode.EPHEMERAL, IdentityMode.decide(Map.of(), false, true).mode());
    assertEquals("--persistent and --ephemeral exclude each other",
        assertThrows(IllegalArgumentException.class, () -> IdentityMode.decide(Map.of(), true, true)).getMessage());
    assertEquals("RunPod single-tenant container (RUNPOD_POD_ID is set)",
        IdentityMode.decide(Map.of("RUNPOD_POD_ID", "x"), false, false).reason());
  }
}
