package dev.claudemesh.core;

/** Builds peer refusals for fakes of the daemon's ports (the constructor is the peer's). */
public final class PeerExceptions {
  private PeerExceptions() {}

  public static PeerException of(String code, int httpStatus, String message) {
    return new PeerException(code, httpStatus, message);
  }
}
