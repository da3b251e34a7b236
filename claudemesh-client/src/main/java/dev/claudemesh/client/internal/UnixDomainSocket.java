package dev.claudemesh.client.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * A {@link Socket} over a Unix domain {@link SocketChannel}, for clients such as OkHttp that only
 * speak {@code java.net.Socket}. The JDK's {@code SocketChannel.socket()} adapter does not support
 * UNIX channels, so this class stands in for it.
 *
 * <p>{@link #connect(SocketAddress, int)} ignores the address it is given (OkHttp passes the
 * resolved {@code localhost:80} of its URL) and connects to the socket path. The channel runs in
 * non-blocking mode behind a selector, so {@link #setSoTimeout} is honoured for reads, as OkHttp's
 * idle-connection health check needs. Not honoured: the connect timeout (a Unix connect either
 * succeeds or fails at once), TCP options (no-ops), and write timeouts (as with plain sockets,
 * OkHttp's own write and call timeouts bound a stuck write by closing the socket).
 *
 * <p>Thread safety: one reader and one writer may use the streams concurrently, as with any
 * socket; {@link #close()} from any thread wakes both.
 */
public final class UnixDomainSocket extends Socket {
  private final Path path;
  private final Object readLock = new Object();
  private final Object writeLock = new Object();
  private volatile @Nullable SocketChannel channel;
  private volatile @Nullable Selector readSelector;
  private volatile @Nullable Selector writeSelector;
  private volatile int soTimeoutMillis;
  private volatile boolean closed;
  private volatile boolean connected;
  private volatile boolean inputShutdown;
  private volatile boolean outputShutdown;
  private final InputStream in = new ChannelInput();
  private final OutputStream out = new ChannelOutput();

  /** An unconnected socket for {@code path}. */
  public UnixDomainSocket(Path path) throws SocketException {
    super((java.net.SocketImpl) null);
    this.path = path;
  }

  public Path path() {
    return path;
  }

  @Override
  public void connect(SocketAddress ignored) throws IOException {
    connect(ignored, 0);
  }

  @Override
  public void connect(SocketAddress ignored, int timeoutMillis) throws IOException {
    if (closed) {
      throw new SocketException("Socket is closed");
    }
    if (channel != null) {
      throw new SocketException("already connected");
    }
    SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
    try {
      ch.connect(UnixDomainSocketAddress.of(path));
      ch.configureBlocking(false);
      Selector r = Selector.open();
      Selector w = Selector.open();
      ch.register(r, SelectionKey.OP_READ);
      ch.register(w, SelectionKey.OP_WRITE);
      readSelector = r;
      writeSelector = w;
      channel = ch;
      connected = true;
    } catch (IOException e) {
      ch.close();
      ConnectException refused = new ConnectException(
          "cannot connect to " + path + ": " + e.getMessage());
      refused.initCause(e);
      throw refused;
    }
    if (closed) {
      // closed while connecting: release what connect opened
      close();
      throw new SocketException("Socket is closed");
    }
  }

  @Override
  public InputStream getInputStream() throws IOException {
    requireOpen();
    return in;
  }

  @Override
  public OutputStream getOutputStream() throws IOException {
    requireOpen();
    return out;
  }

  private SocketChannel requireOpen() throws SocketException {
    SocketChannel ch = channel;
    if (closed) {
      throw new SocketException("Socket is closed");
    }
    if (ch == null) {
      throw new SocketException("Socket is not connected");
    }
    return ch;
  }

  @Override
  public synchronized void close() throws IOException {
    if (closed && channel == null) {
      return;
    }
    closed = true;
    IOException first = null;
    for (java.io.Closeable c : new java.io.Closeable[] {readSelector, writeSelector, channel}) {
      if (c == null) {
        continue;
      }
      try {
        // Selector.close wakes a thread blocked in select on it
        c.close();
      } catch (IOException e) {
        if (first == null) {
          first = e;
        }
      }
    }
    channel = null;
    if (first != null) {
      throw first;
    }
  }

  @Override
  public boolean isConnected() {
    return connected;
  }

  @Override
  public boolean isBound() {
    return isConnected();
  }

  @Override
  public boolean isClosed() {
    return closed;
  }

  @Override
  public boolean isInputShutdown() {
    return inputShutdown;
  }

  @Override
  public boolean isOutputShutdown() {
    return outputShutdown;
  }

  @Override
  public void shutdownInput() throws IOException {
    requireOpen().shutdownInput();
    inputShutdown = true;
  }

  @Override
  public void shutdownOutput() throws IOException {
    requireOpen().shutdownOutput();
    outputShutdown = true;
  }

  @Override
  public void setSoTimeout(int timeout) throws SocketException {
    if (timeout < 0) {
      throw new IllegalArgumentException("timeout < 0");
    }
    soTimeoutMillis = timeout;
  }

  @Override
  public int getSoTimeout() {
    return soTimeoutMillis;
  }

  // TCP options mean nothing on a Unix socket: accepted and ignored.
  @Override
  public void setTcpNoDelay(boolean on) {}

  @Override
  public boolean getTcpNoDelay() {
    return true;
  }

  @Override
  public void setKeepAlive(boolean on) {}

  @Override
  public boolean getKeepAlive() {
    return false;
  }

  @Override
  public void setSoLinger(boolean on, int linger) {}

  @Override
  public int getSoLinger() {
    return -1;
  }

  @Override
  public void setSendBufferSize(int size) {}

  @Override
  public void setReceiveBufferSize(int size) {}

  /** Loopback, so that code that logs or checks the peer address sees something sensible. */
  @Override
  public InetAddress getInetAddress() {
    return InetAddress.getLoopbackAddress();
  }

  @Override
  public InetAddress getLocalAddress() {
    return InetAddress.getLoopbackAddress();
  }

  @Override
  public int getPort() {
    return 0;
  }

  @Override
  public int getLocalPort() {
    return -1;
  }

  @Override
  public @Nullable SocketAddress getRemoteSocketAddress() {
    return isConnected() ? UnixDomainSocketAddress.of(path) : null;
  }

  @Override
  public @Nullable SocketAddress getLocalSocketAddress() {
    return isConnected() ? new InetSocketAddress(InetAddress.getLoopbackAddress(), 0) : null;
  }

  @Override
  public String toString() {
    return "UnixDomainSocket[" + path + (closed ? ", closed" : channel != null ? ", connected" : "")
        + "]";
  }

  private final class ChannelInput extends InputStream {
    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      synchronized (readLock) {
        ByteBuffer buf = ByteBuffer.wrap(b, off, len);
        int timeout = soTimeoutMillis;
        long deadline = timeout == 0 ? 0 : System.nanoTime() + timeout * 1_000_000L;
        while (true) {
          SocketChannel ch = requireOpen();
          int n = ch.read(buf);
          if (n != 0) {
            return n;
          }
          long waitMillis = 0;
          if (timeout != 0) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
              throw new SocketTimeoutException("Read timed out after " + timeout + " ms");
            }
            waitMillis = Math.max(1, left / 1_000_000L);
          }
          select(readSelector, waitMillis);
        }
      }
    }

    @Override
    public int available() throws IOException {
      return 0;
    }

    @Override
    public void close() throws IOException {
      UnixDomainSocket.this.close();
    }
  }

  private final class ChannelOutput extends OutputStream {
    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      synchronized (writeLock) {
        ByteBuffer buf = ByteBuffer.wrap(b, off, len);
        while (buf.hasRemaining()) {
          SocketChannel ch = requireOpen();
          if (ch.write(buf) == 0) {
            select(writeSelector, 0);
          }
        }
      }
    }

    @Override
    public void close() throws IOException {
      UnixDomainSocket.this.close();
    }
  }

  private void select(@Nullable Selector selector, long waitMillis) throws IOException {
    if (selector == null || closed) {
      throw new SocketException("Socket is closed");
    }
    try {
      selector.select(waitMillis);
      selector.selectedKeys().clear();
    } catch (ClosedSelectorException e) {
      throw new SocketException("Socket closed");
    }
    if (closed) {
      throw new SocketException("Socket closed");
    }
    if (Thread.currentThread().isInterrupted()) {
      // select returns at once while the flag is set: stop instead of spinning
      throw new java.io.InterruptedIOException("interrupted while waiting on " + path);
    }
  }
}
