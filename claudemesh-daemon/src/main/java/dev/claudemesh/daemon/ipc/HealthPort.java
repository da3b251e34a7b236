package dev.claudemesh.daemon.ipc;

import dev.claudemesh.api.Health;
import java.io.IOException;

/** What {@code GET /v1/health} needs: a snapshot of the peer (SPEC §3.3). */
@FunctionalInterface
public interface HealthPort {
  Health health() throws IOException;
}
