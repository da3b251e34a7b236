package dev.claudemesh.daemon.ipc;

/** How a request reached the daemon: the Unix socket needs no token, TCP does (SPEC §3.1). */
enum Transport {
  UDS("unix socket"),
  TCP("tcp");

  private final String label;

  Transport(String label) {
    this.label = label;
  }

  @Override
  public String toString() {
    return label;
  }
}
