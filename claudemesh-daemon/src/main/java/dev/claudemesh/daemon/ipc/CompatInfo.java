package dev.claudemesh.daemon.ipc;

import dev.claudemesh.api.Compat;
import java.io.IOException;

/** What {@code GET /v1/compat} needs: what this daemon can talk to (SPEC §3.3). */
@FunctionalInterface
public interface CompatInfo {
  Compat compat() throws IOException;
}
