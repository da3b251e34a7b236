package dev.claudemesh.daemon.config;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Log lines of the test JVM as {@code LEVEL message}, for asserting WARN texts. */
final class TestLogs {
  private static final List<String> LINES = new CopyOnWriteArrayList<>();

  private TestLogs() {}

  /** Lines at {@code level} containing {@code text}. */
  static List<String> matching(String level, String text) {
    List<String> matches = new ArrayList<>();
    for (String line : LINES) {
      if (line.startsWith(level + " ") && line.contains(text)) {
        matches.add(line);
      }
    }
    return matches;
  }

  static List<String> all() {
    return new ArrayList<>(LINES);
  }

  /** The appender named in logback-test.xml. */
  public static final class Appender extends AppenderBase<ILoggingEvent> {
    @Override
    protected void append(ILoggingEvent event) {
      LINES.add(event.getLevel() + " " + event.getFormattedMessage());
    }
  }
}
