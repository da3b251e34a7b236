package dev.claudemesh.daemon.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.claudemesh.core.identity.IdentityMode;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** SPEC §10.5's table and §3.1's container hints, with a fake environment and filesystem. */
class EnvironmentTest {

  /** A filesystem holding only {@code existing} files and, if given, {@code /proc/1/cgroup}. */
  static Environment.FileLookup files(Set<Path> existing, Optional<String> cgroup) {
    return new Environment.FileLookup() {
      @Override
      public boolean exists(Path path) {
        return existing.contains(path);
      }

      @Override
      public Optional<String> read(Path path) {
        return path.equals(Environment.INIT_CGROUP) ? cgroup : Optional.empty();
      }
    };
  }

  static final Environment.FileLookup NO_FILES = files(Set.of(), Optional.empty());

  record Case(Map<String, String> env, Environment.FileLookup files, boolean containerFlag,
      Environment.Kind kind, IdentityMode identity, boolean tcp, boolean hooks, String reason) {}

  static Stream<Arguments> matrix() {
    return Stream.of(
        c("bare metal: nothing set", Map.of(), NO_FILES, false,
            Environment.Kind.BARE_METAL, IdentityMode.PERSISTENT, true, true, "no container or CI hint"),
        c("bare metal: cgroup v2 without a runtime name", Map.of(), files(Set.of(), Optional.of("0::/\n")), false,
            Environment.Kind.BARE_METAL, IdentityMode.PERSISTENT, true, true, "no container or CI hint"),
        c("bare metal: CI=false is not CI", Map.of("CI", "false"), NO_FILES, false,
            Environment.Kind.BARE_METAL, IdentityMode.PERSISTENT, true, true, "no container or CI hint"),
        c("container: /.dockerenv", Map.of(), files(Set.of(Environment.DOCKERENV), Optional.empty()), false,
            Environment.Kind.CONTAINER, IdentityMode.PERSISTENT, false, true, "/.dockerenv exists"),
        c("container: podman's /run/.containerenv", Map.of(),
            files(Set.of(Environment.CONTAINERENV), Optional.empty()), false,
            Environment.Kind.CONTAINER, IdentityMode.PERSISTENT, false, true, "/run/.containerenv exists"),
        c("container: cgroup names docker", Map.of(),
            files(Set.of(), Optional.of("12:cpuset:/docker/4f1c\n")), false,
            Environment.Kind.CONTAINER, IdentityMode.PERSISTENT, false, true, "/proc/1/cgroup names docker"),
        c("container: cgroup names kubepods", Map.of(),
            files(Set.of(), Optional.of("11:memory:/kubepods/burstable/pod1\n")), false,
            Environment.Kind.CONTAINER, IdentityMode.PERSISTENT, false, true, "/proc/1/cgroup names kubepods"),
        c("container: --container", Map.of(), NO_FILES, true,
            Environment.Kind.CONTAINER, IdentityMode.PERSISTENT, false, true, "--container"),
        // §10.5 puts Kubernetes in the container row; core's §2.2 identity rule still makes it ephemeral
        c("kubernetes: KUBERNETES_SERVICE_HOST", Map.of("KUBERNETES_SERVICE_HOST", "10.0.0.1"), NO_FILES, false,
            Environment.Kind.CONTAINER, IdentityMode.EPHEMERAL, false, true, "KUBERNETES_SERVICE_HOST is set"),
        c("CI: CI=true", Map.of("CI", "true"), NO_FILES, false,
            Environment.Kind.CI, IdentityMode.EPHEMERAL, false, false, "CI detected (CI is set"),
        c("CI: GITHUB_ACTIONS", Map.of("GITHUB_ACTIONS", "true"), NO_FILES, false,
            Environment.Kind.CI, IdentityMode.EPHEMERAL, false, false, "GITHUB_ACTIONS"),
        c("CI: GITLAB_CI", Map.of("GITLAB_CI", "1"), NO_FILES, false,
            Environment.Kind.CI, IdentityMode.EPHEMERAL, false, false, "GITLAB_CI"),
        c("CI: BUILDKITE", Map.of("BUILDKITE", "true"), NO_FILES, false,
            Environment.Kind.CI, IdentityMode.EPHEMERAL, false, false, "BUILDKITE"),
        c("CI: CIRCLECI", Map.of("CIRCLECI", "true"), NO_FILES, false,
            Environment.Kind.CI, IdentityMode.EPHEMERAL, false, false, "CIRCLECI"),
        c("CI: JENKINS_URL", Map.of("JENKINS_URL", "http://ci"), NO_FILES, false,
            Environment.Kind.CI, IdentityMode.EPHEMERAL, false, false, "JENKINS_URL"),
        c("CI wins over a container", Map.of("CI", "true"), files(Set.of(Environment.DOCKERENV), Optional.empty()),
            true, Environment.Kind.CI, IdentityMode.EPHEMERAL, false, false, "CI detected"),
        c("RunPod", Map.of("RUNPOD_POD_ID", "abc"), files(Set.of(Environment.DOCKERENV), Optional.empty()), false,
            Environment.Kind.RUNPOD, IdentityMode.PERSISTENT, false, true, "RUNPOD_POD_ID is set"),
        c("RunPod: an empty RUNPOD_POD_ID does not count", Map.of("RUNPOD_POD_ID", ""), NO_FILES, false,
            Environment.Kind.BARE_METAL, IdentityMode.PERSISTENT, true, true, "no container or CI hint"));
  }

  private static Arguments c(String name, Map<String, String> env, Environment.FileLookup files,
      boolean containerFlag, Environment.Kind kind, IdentityMode identity, boolean tcp, boolean hooks,
      String reason) {
    return Arguments.of(Named.of(name, new Case(env, files, containerFlag, kind, identity, tcp, hooks, reason)));
  }

  @ParameterizedTest
  @MethodSource("matrix")
  void detects(Case c) {
    Environment environment = Environment.detect(c.env(), c.files(), c.containerFlag());
    assertEquals(c.kind(), environment.kind(), environment.toString());
    assertEquals(c.identity(), environment.identityByDefault().mode(), environment.toString());
    assertEquals(c.tcp(), environment.tcpByDefault(), "tcp default");
    assertEquals(c.hooks(), environment.hooksByDefault(), "hooks default");
    assertEquals(true, environment.reason().contains(c.reason()), environment.reason());
  }
}
