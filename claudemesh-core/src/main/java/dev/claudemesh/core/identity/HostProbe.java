package dev.claudemesh.core.identity;

/**
 * Reads the host fingerprint inputs of SPEC §2.3 for one operating system. Implementations never
 * throw for a missing source: they fall through to the next and report absence.
 */
interface HostProbe {
  /** Probes now; may run short external commands with a timeout (macOS ioreg: 2 s). */
  HostFacts probe();
}
