package dev.claudemesh.daemon.ipc;

import dev.claudemesh.api.Version;
import java.io.IOException;

/** What {@code GET /v1/version} needs: the daemon's version and negotiated features (SPEC §3.3). */
@FunctionalInterface
public interface VersionInfo {
  Version version() throws IOException;
}
