package dev.claudemesh.daemon.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

class ServiceInstallerTest {
  @TempDir Path temp;

  private final List<List<String>> commands = new ArrayList<>();
  private int failOn = -1;

  private final CommandRunner fakeRunner = command -> {
    commands.add(command);
    return commands.size() - 1 == failOn
        ? new CommandRunner.Result(1, "Failed to connect to bus: No medium found\n")
        : new CommandRunner.Result(0, "");
  };

  private ServiceInstaller.Builder builder(Path home) {
    return ServiceInstaller.builder()
        .meshSlug("dev")
        .jar(temp.resolve("claudemesh.jar"))
        .javaBinary(Path.of("/usr/bin/java"))
        .environment(Map.of("CLAUDEMESH_HOME", home.toString()))
        .osName("Linux")
        .userHome(temp.resolve("user"))
        .userName("alice")
        .root(temp.resolve("root"))
        .commandRunner(fakeRunner);
  }

  @Test
  void userUnitCarriesEveryDirectiveOfSection10_2() {
    Path home = temp.resolve("cm");
    ServiceFile file = builder(home).build().render();

    assertEquals(ServiceInstaller.Manager.SYSTEMD, file.manager());
    assertEquals("claudemesh-dev.service", file.name());
    assertEquals(temp.resolve("user/.config/systemd/user/claudemesh-dev.service"), file.path());
    String unit = file.content();
    for (String line : List.of(
        "Restart=on-failure", "RestartSec=5s", "StartLimitIntervalSec=5min", "StartLimitBurst=5",
        "MemoryMax=512M", "NoNewPrivileges=yes", "PrivateTmp=yes", "ProtectSystem=strict",
        "ReadWritePaths=\"" + home + "\"", "Environment=\"CLAUDEMESH_HOME=" + home + "\"",
        "WantedBy=default.target",
        "ExecStart=\"/usr/bin/java\" \"-jar\" \"" + temp.resolve("claudemesh.jar") + "\" \"daemon\" \"up\" "
            + "\"--foreground\" \"--persistent\" \"--mesh\" \"dev\"")) {
      assertTrue(unit.lines().anyMatch(line::equals), () -> "missing " + line + " in\n" + unit);
    }
    assertFalse(unit.contains("User="), unit);
    assertFalse(unit.contains("network-online"), "the user manager has no network-online.target");
  }

  @Test
  void systemUnitRunsAsTheUserUnderEtc() {
    ServiceFile file = builder(temp.resolve("cm")).scope(ServiceInstaller.Scope.SYSTEM).build().render();
    assertEquals(temp.resolve("root/etc/systemd/system/claudemesh-dev.service"), file.path());
    assertTrue(file.content().contains("\nUser=alice\n"), file.content());
    assertTrue(file.content().contains("\nWantedBy=multi-user.target\n"), file.content());
    assertTrue(file.content().contains("\nAfter=network-online.target\n"), file.content());
  }

  @Test
  void noClaudemeshHomeMeansNoEnvironmentLineAndTheDefaultDirectory() {
    ServiceFile file = builder(temp).environment(Map.of()).build().render();
    assertFalse(file.content().contains("Environment="), file.content());
    assertTrue(file.content().contains("ReadWritePaths=\"" + Path.of(System.getProperty("user.home"), ".claudemesh")),
        file.content());
  }

  @Test
  void quotingFollowsSystemdRules() {
    assertEquals("\"/a b/c%%d/$$e/f\\\\g/\\\"h\"", SystemdUnit.quote("/a b/c%d/$e/f\\g/\"h", true));
    assertEquals("\"/a b/c%%d/$e/f\\\\g/\\\"h\"", SystemdUnit.quote("/a b/c%d/$e/f\\g/\"h", false));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> SystemdUnit.quote("/a\nb", true));
    assertEquals("cannot write a control character (U+000A) into a systemd unit: /a?b", e.getMessage());
  }

  @Test
  void pathsWithSpacesAndPercentAreQuotedInTheUnit() {
    Path home = temp.resolve("my home %h $USER");
    ServiceFile file = builder(home).jar(temp.resolve("jars dir/claudemesh 100%.jar")).build().render();
    assertTrue(file.content().contains(
        "\"-jar\" \"" + temp + "/jars dir/claudemesh 100%%.jar\""), file.content());
    assertTrue(file.content().contains("Environment=\"CLAUDEMESH_HOME=" + temp + "/my home %%h $USER\""),
        file.content());
    assertTrue(file.content().contains("ReadWritePaths=\"" + temp + "/my home %%h $USER\""), file.content());
  }

  @Test
  void ciIsRefusedUnlessAllowed() throws IOException {
    for (Map.Entry<String, String> ci : List.of(Map.entry("CI", "true"), Map.entry("GITHUB_ACTIONS", "true"),
        Map.entry("GITLAB_CI", "1"), Map.entry("BUILDKITE", "1"), Map.entry("CIRCLECI", "1"),
        Map.entry("JENKINS_URL", "http://jenkins"))) {
      ServiceInstaller installer = builder(temp.resolve("cm"))
          .environment(Map.of("CLAUDEMESH_HOME", temp.resolve("cm").toString(), ci.getKey(), ci.getValue()))
          .build();
      ServiceException e = assertThrows(ServiceException.class, installer::install, ci.getKey());
      assertEquals(ServiceException.Reason.REFUSED_IN_CI, e.reason());
      assertEquals("refusing to install a persistent service in CI: CI detected (" + ci.getKey()
          + " is set); pass --allow-ci-persistent if this machine really should keep a daemon for mesh dev",
          e.getMessage());
    }
    assertTrue(commands.isEmpty());
    assertFalse(Files.exists(temp.resolve("user/.config/systemd/user/claudemesh-dev.service")));

    builder(temp.resolve("cm"))
        .environment(Map.of("CLAUDEMESH_HOME", temp.resolve("cm").toString(), "CI", "true"))
        .allowCiPersistent(true).build().install();
    assertEquals(2, commands.size());
  }

  @Test
  void installWritesTheUnit0644AndEnablesIt() throws IOException {
    Path home = temp.resolve("cm");
    ServiceFile file = builder(home).build().install();

    assertEquals(file.content(), Files.readString(file.path()));
    assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(file.path())));
    assertTrue(Files.isDirectory(home), "ReadWritePaths= must exist for the unit to start");
    assertEquals(List.of(
        List.of("systemctl", "--user", "daemon-reload"),
        List.of("systemctl", "--user", "enable", "--now", "claudemesh-dev.service")), commands);
  }

  @Test
  void systemScopeCommandsHaveNoUserFlag() throws IOException {
    Files.createDirectories(temp.resolve("cm"));
    builder(temp.resolve("cm")).scope(ServiceInstaller.Scope.SYSTEM).build().install();
    assertEquals(List.of(
        List.of("systemctl", "daemon-reload"),
        List.of("systemctl", "enable", "--now", "claudemesh-dev.service")), commands);
  }

  @Test
  void systemScopeDoesNotCreateTheUsersDirectory() {
    ServiceInstaller installer = builder(temp.resolve("cm")).scope(ServiceInstaller.Scope.SYSTEM).build();
    java.nio.file.NoSuchFileException e = assertThrows(java.nio.file.NoSuchFileException.class, installer::install);
    assertEquals(temp.resolve("cm") + ": the claudemesh directory does not exist; join the mesh as alice first",
        e.getMessage());
    assertFalse(Files.exists(temp.resolve("cm")));
    assertTrue(commands.isEmpty());
  }

  @Test
  void aFailingCommandIsReportedWithItsOutput() {
    failOn = 1;
    ServiceException e = assertThrows(ServiceException.class, () -> builder(temp.resolve("cm")).build().install());
    assertEquals(ServiceException.Reason.COMMAND_FAILED, e.reason());
    assertEquals("`systemctl --user enable --now claudemesh-dev.service` exited with 1 (systemd user unit "
        + temp.resolve("user/.config/systemd/user/claudemesh-dev.service")
        + "): Failed to connect to bus: No medium found", e.getMessage());
  }

  @Test
  void uninstallDisablesRemovesAndReloads() throws IOException {
    ServiceInstaller installer = builder(temp.resolve("cm")).build();
    ServiceFile file = installer.install();
    commands.clear();

    assertEquals(file.path(), installer.uninstall());
    assertFalse(Files.exists(file.path()));
    assertEquals(List.of(
        List.of("systemctl", "--user", "disable", "--now", "claudemesh-dev.service"),
        List.of("systemctl", "--user", "daemon-reload")), commands);

    ServiceException e = assertThrows(ServiceException.class, installer::uninstall);
    assertEquals(ServiceException.Reason.NOT_INSTALLED, e.reason());
    assertEquals("no systemd user unit for mesh dev at " + file.path() + "; nothing to uninstall", e.getMessage());
  }

  @Test
  void uninstallKeepsTheFileWhenStoppingFails() throws IOException {
    ServiceInstaller installer = builder(temp.resolve("cm")).build();
    ServiceFile file = installer.install();
    failOn = 2;
    assertThrows(ServiceException.class, installer::uninstall);
    assertTrue(Files.exists(file.path()));
  }

  @Test
  void launchdPlistIsWellFormedAndEscaped() throws Exception {
    Path home = temp.resolve("a & b <c> \"d\" 'e'");
    ServiceInstaller installer = builder(home).osName("Mac OS X").build();
    ServiceFile file = installer.render();
    assertEquals(ServiceInstaller.Manager.LAUNCHD, file.manager());
    assertEquals(temp.resolve("user/Library/LaunchAgents/dev.claudemesh.dev.plist"), file.path());

    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
    Document doc = factory.newDocumentBuilder()
        .parse(new ByteArrayInputStream(file.content().getBytes(StandardCharsets.UTF_8)));
    Element dict = (Element) doc.getDocumentElement().getElementsByTagName("dict").item(0);
    NodeList children = dict.getChildNodes();
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < children.getLength(); i++) {
      if (children.item(i) instanceof Element el && el.getTagName().equals("key")) {
        keys.add(el.getTextContent());
      }
    }
    assertEquals(List.of("Label", "ProgramArguments", "EnvironmentVariables", "RunAtLoad", "KeepAlive",
        "ThrottleInterval", "ProcessType"), keys);
    NodeList strings = doc.getElementsByTagName("array").item(0).getChildNodes();
    List<String> argv = new ArrayList<>();
    for (int i = 0; i < strings.getLength(); i++) {
      if (strings.item(i) instanceof Element el) {
        argv.add(el.getTextContent());
      }
    }
    assertEquals(List.of("/usr/bin/java", "-jar", temp.resolve("claudemesh.jar").toString(), "daemon", "up",
        "--foreground", "--persistent", "--mesh", "dev"), argv);
    assertTrue(file.content().contains("<string>" + temp + "/a &amp; b &lt;c&gt; &quot;d&quot; &apos;e&apos;</string>"),
        file.content());

    installer.install();
    assertEquals(List.of(List.of("launchctl", "load", "-w", file.path().toString())), commands);
    commands.clear();
    installer.uninstall();
    assertEquals(List.of(List.of("launchctl", "unload", "-w", file.path().toString())), commands);
  }

  @Test
  void unsupportedOsIsNamed() {
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> builder(temp).osName("Windows 11").build());
    assertEquals("install-service supports Linux (systemd) and macOS (launchd), not Windows 11", e.getMessage());
  }

  @Test
  void badSlugIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> builder(temp).meshSlug("../x").build());
  }

  /** systemd itself parses the rendered unit: no warnings for its lines, and the values read back. */
  @Test
  void systemdAnalyzeVerifiesTheUnit() throws Exception {
    Path analyze = Path.of("/usr/bin/systemd-analyze");
    boolean ci = System.getenv("CI") != null;
    Assumptions.assumeTrue(Files.isExecutable(analyze) || ci, "systemd-analyze is not installed");

    Path dir = Files.createDirectories(temp.resolve("unit dir 50%"));
    Path home = Files.createDirectories(dir.resolve("cm home"));
    Path jar = Files.writeString(dir.resolve("claudemesh 1%.jar"), "not really a jar");
    Path java = Path.of(System.getProperty("java.home"), "bin", "java").toRealPath();
    ServiceFile rendered = builder(home).jar(jar).javaBinary(java).build().render();
    Path unit = Files.writeString(dir.resolve(rendered.name()), rendered.content());

    // At the default log level verify prints only problems; any line naming the unit is one.
    String plain = verify(analyze, unit, false);
    List<String> complaints = plain.lines().filter(line -> line.contains(rendered.name())).toList();
    assertEquals(List.of(), complaints, plain);

    String output = verify(analyze, unit, true);
    // The values systemd read back, unquoted and unescaped.
    assertTrue(output.contains("Environment: CLAUDEMESH_HOME=" + home + "\n"), output);
    assertTrue(output.contains("ReadWritePaths: " + home + "\n"), output);
    assertTrue(output.contains("Restart: on-failure"), output);
    assertTrue(output.contains("ProtectSystem: strict"), output);
    assertTrue(output.contains("PrivateTmp: yes"), output);
    assertTrue(output.contains("\"" + jar + "\" daemon up --foreground --persistent --mesh dev"), output);
  }

  /** Runs {@code systemd-analyze verify}; fails the test unless it exits 0. */
  private static String verify(Path analyze, Path unit, boolean debug) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(analyze.toString(), "verify", unit.toString());
    pb.environment().put("SYSTEMD_LOG_LEVEL", debug ? "debug" : "info");
    pb.redirectErrorStream(true);
    Process process = pb.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, process.exitValue(), output);
    return output;
  }
}
