package dev.claudemesh.client;

import java.net.ConnectException;

/**
 * Nothing answers at the daemon's address: the socket file is missing or refuses, or the TCP port
 * refuses. A transport failure, so a {@link ConnectException}, not a {@link ClaudemeshException}.
 */
public final class DaemonNotRunningException extends ConnectException {
  private static final long serialVersionUID = 1L;

  private final String address;

  DaemonNotRunningException(String address, Throwable cause) {
    super("no daemon at " + address + "; run `claudemesh daemon up`");
    this.address = address;
    initCause(cause);
  }

  /** The socket path or {@code host:port} that did not answer. */
  public String address() {
    return address;
  }
}
