package dev.claudemesh.daemon.logging;

import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.encoder.EncoderBase;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Defense in depth against a token reaching the log: whatever a caller wrote, {@code Bearer
 * <credential>} leaves the encoder as {@code Bearer ***}. Code must still never log the token; this
 * catches the header value pasted into an exception message or a debug line.
 */
final class LogMasking {
  /** The credential ends at whitespace, a quote or a backslash (the JSON escapes around it). */
  private static final Pattern BEARER = Pattern.compile("(?i)\\b(Bearer)(\\s+)[^\\s\"\\\\]+");

  private LogMasking() {}

  static String mask(String text) {
    return BEARER.matcher(text).replaceAll("$1$2***");
  }

  /** Masks the bytes another encoder produces (JSON or a console pattern alike). */
  static final class MaskingEncoder<E> extends EncoderBase<E> {
    private final Encoder<E> delegate;

    MaskingEncoder(Encoder<E> delegate) {
      this.delegate = Objects.requireNonNull(delegate, "delegate == null");
    }

    @Override
    public byte[] headerBytes() {
      return delegate.headerBytes();
    }

    @Override
    public byte[] encode(E event) {
      byte[] bytes = delegate.encode(event);
      String text = new String(bytes, StandardCharsets.UTF_8);
      String masked = mask(text);
      return masked.equals(text) ? bytes : masked.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public byte[] footerBytes() {
      return delegate.footerBytes();
    }

    @Override
    public void start() {
      delegate.start();
      super.start();
    }

    @Override
    public void stop() {
      delegate.stop();
      super.stop();
    }
  }
}
