package dev.claudemesh.core.identity;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * In-memory {@link SystemAccess}: files, command outputs and interfaces set up by the test, and a
 * log of the commands run. A command without a canned output behaves as failed or timed out.
 */
final class FakeSystemAccess implements SystemAccess {
  private final Map<Path, String> files = new HashMap<>();
  private final Map<List<String>, String> outputs = new HashMap<>();
  private final Set<Path> existing = new HashSet<>();
  private final List<Nic> nics = new ArrayList<>();
  private final List<List<String>> commandsRun = new ArrayList<>();
  private final List<Duration> timeoutsUsed = new ArrayList<>();

  FakeSystemAccess file(String path, String content) {
    files.put(Path.of(path), content);
    existing.add(Path.of(path));
    return this;
  }

  FakeSystemAccess output(List<String> command, String stdout) {
    outputs.put(List.copyOf(command), stdout);
    return this;
  }

  FakeSystemAccess nic(Nic nic) {
    nics.add(nic);
    return this;
  }

  List<List<String>> commandsRun() {
    return List.copyOf(commandsRun);
  }

  List<Duration> timeoutsUsed() {
    return List.copyOf(timeoutsUsed);
  }

  @Override
  public Optional<String> readFile(Path file) {
    return Optional.ofNullable(files.get(file));
  }

  @Override
  public Optional<String> run(List<String> command, Duration timeout) {
    commandsRun.add(List.copyOf(command));
    timeoutsUsed.add(timeout);
    return Optional.ofNullable(outputs.get(command));
  }

  @Override
  public List<Nic> networkInterfaces() {
    return List.copyOf(nics);
  }

  @Override
  public boolean exists(Path path) {
    return existing.contains(path);
  }

  /** A physical NIC with a globally administered MAC ending in {@code last}. */
  static Nic physical(String name, int last) {
    return new Nic(
        name, new byte[] {0x00, 0x1b, 0x21, 0x3a, 0x4f, (byte) last}, false, Nic.Kind.PHYSICAL);
  }
}
