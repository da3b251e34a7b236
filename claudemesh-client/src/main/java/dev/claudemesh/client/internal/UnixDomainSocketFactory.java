package dev.claudemesh.client.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import javax.net.SocketFactory;

/**
 * Makes {@link UnixDomainSocket}s to one socket path, whatever host and port they are asked for.
 * Pair it with a base URL of {@code http://localhost} so the {@code Host} header is loopback.
 */
public final class UnixDomainSocketFactory extends SocketFactory {
  private final Path path;

  public UnixDomainSocketFactory(Path path) {
    this.path = path;
  }

  public Path path() {
    return path;
  }

  @Override
  public Socket createSocket() throws IOException {
    return new UnixDomainSocket(path);
  }

  @Override
  public Socket createSocket(String host, int port) throws IOException {
    return connected();
  }

  @Override
  public Socket createSocket(String host, int port, InetAddress localHost, int localPort)
      throws IOException {
    return connected();
  }

  @Override
  public Socket createSocket(InetAddress host, int port) throws IOException {
    return connected();
  }

  @Override
  public Socket createSocket(InetAddress address, int port, InetAddress localAddress,
      int localPort) throws IOException {
    return connected();
  }

  private Socket connected() throws IOException {
    Socket s = createSocket();
    s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    return s;
  }

  @Override
  public String toString() {
    return "UnixDomainSocketFactory[" + path + "]";
  }
}
