package dev.claudemesh.core.broker;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import javax.net.SocketFactory;
import org.jspecify.annotations.Nullable;

/**
 * Plain sockets that report every read of at least one byte. The silence watchdog needs to know
 * that the broker is still talking, and OkHttp answers pings and consumes pongs without telling its
 * listener; counting bytes on the socket sees frames, pings and pongs alike (under TLS too, since
 * the TLS socket is layered over this one).
 */
final class HearingSocketFactory extends SocketFactory {
  private final Runnable heard;

  HearingSocketFactory(Runnable heard) {
    this.heard = heard;
  }

  @Override
  public Socket createSocket() {
    return new HearingSocket(heard);
  }

  @Override
  public Socket createSocket(String host, int port) throws IOException {
    Socket socket = createSocket();
    socket.connect(new java.net.InetSocketAddress(host, port));
    return socket;
  }

  @Override
  public Socket createSocket(String host, int port, InetAddress localHost, int localPort)
      throws IOException {
    Socket socket = createSocket();
    socket.bind(new java.net.InetSocketAddress(localHost, localPort));
    socket.connect(new java.net.InetSocketAddress(host, port));
    return socket;
  }

  @Override
  public Socket createSocket(InetAddress host, int port) throws IOException {
    Socket socket = createSocket();
    socket.connect(new java.net.InetSocketAddress(host, port));
    return socket;
  }

  @Override
  public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
      throws IOException {
    Socket socket = createSocket();
    socket.bind(new java.net.InetSocketAddress(localAddress, localPort));
    socket.connect(new java.net.InetSocketAddress(address, port));
    return socket;
  }

  private static final class HearingSocket extends Socket {
    private final Runnable heard;
    private @Nullable InputStream in;

    HearingSocket(Runnable heard) {
      this.heard = heard;
    }

    @Override
    public synchronized InputStream getInputStream() throws IOException {
      if (in == null) {
        in = new HearingInputStream(super.getInputStream(), heard);
      }
      return in;
    }
  }

  private static final class HearingInputStream extends FilterInputStream {
    private final Runnable heard;

    HearingInputStream(InputStream in, Runnable heard) {
      super(in);
      this.heard = heard;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        heard.run();
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0) {
        heard.run();
      }
      return n;
    }
  }
}
