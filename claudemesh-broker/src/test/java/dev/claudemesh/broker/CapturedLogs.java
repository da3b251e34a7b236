package dev.claudemesh.broker;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import ch.qos.logback.core.AppenderBase;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Every log line of the test JVM (message, arguments rendered, exception chains) and every secret
 * the tests created, so {@link NoSecretsInLogsTest} can check that none leaked.
 */
public final class CapturedLogs {
  private static final List<String> LINES = new CopyOnWriteArrayList<>();
  private static final Set<String> SECRETS = ConcurrentHashMap.newKeySet();

  private CapturedLogs() {}

  /** Remembers a secret (key hex, token, message body) that must never be logged. */
  public static String rememberSecret(String secret) {
    SECRETS.add(secret);
    return secret;
  }

  static List<String> lines() {
    return new ArrayList<>(LINES);
  }

  static Set<String> secrets() {
    return Set.copyOf(SECRETS);
  }

  /** Lines logged by {@code loggerName} (prefix match) containing {@code text}. */
  public static List<String> linesContaining(String text) {
    List<String> matches = new ArrayList<>();
    for (String line : LINES) {
      if (line.contains(text)) {
        matches.add(line);
      }
    }
    return matches;
  }

  /** The logback appender named in logback-test.xml. */
  public static final class Appender extends AppenderBase<ILoggingEvent> {
    @Override
    protected void append(ILoggingEvent event) {
      StringBuilder line = new StringBuilder()
          .append(event.getLevel()).append(' ').append(event.getLoggerName()).append(" - ")
          .append(event.getFormattedMessage());
      event.getMDCPropertyMap().forEach((k, v) -> line.append(' ').append(k).append('=').append(v));
      for (IThrowableProxy t = event.getThrowableProxy(); t != null; t = t.getCause()) {
        line.append(" | ").append(t.getClassName()).append(": ").append(t.getMessage());
        for (StackTraceElementProxy frame : t.getStackTraceElementProxyArray()) {
          line.append(' ').append(frame.getSTEAsString());
        }
      }
      LINES.add(line.toString());
    }
  }
}
