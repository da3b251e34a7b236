package dev.claudemesh.daemon.service;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A rendered service definition: where it goes and what it says. {@code install-service
 * --dry-run} prints this without writing anything.
 *
 * @param manager the service manager it is for
 * @param name the unit name ({@code claudemesh-dev.service}) or launchd label ({@code dev.claudemesh.dev})
 * @param path where the file is (or would be) written
 * @param content the file's text
 */
public record ServiceFile(ServiceInstaller.Manager manager, String name, Path path, String content) {
  public ServiceFile {
    Objects.requireNonNull(manager, "manager == null");
    Objects.requireNonNull(name, "name == null");
    Objects.requireNonNull(path, "path == null");
    Objects.requireNonNull(content, "content == null");
  }
}
