package dev.claudemesh.daemon.ipc;

import java.nio.ByteBuffer;
import org.eclipse.jetty.util.Callback;

/**
 * The body of a streaming answer, written after the status and headers have gone out. The
 * adapter calls {@link #start} once, on the request thread, which must not block; from then on the
 * stream owns the answer and ends it through the sink.
 */
interface ResponseStream {

  /** Begins writing to {@code sink}. */
  void start(Sink sink);

  /** The client is gone or the connection failed; the stream ends without another write. */
  void fail(Throwable cause);

  /** Where a stream writes: one write pending at a time, then {@link #end} or {@link #abort}. */
  interface Sink {
    /** Writes {@code bytes} without ending the answer; {@code done} runs when written or failed. */
    void write(ByteBuffer bytes, Callback done);

    /** Ends the answer normally (the last chunk). */
    void end();

    /** Ends the answer with a failure: the connection is closed. */
    void abort(Throwable cause);
  }
}
