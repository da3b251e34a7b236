package dev.claudemesh.conformance;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Counts of passed and failed cases per category, with the failure and skip messages. */
final class VerifyReport {
  /** Failures listed per category before the rest are only counted. */
  static final int LISTED_FAILURES = 25;

  private final Map<String, int[]> counts = new LinkedHashMap<>();
  private final Map<String, List<String>> failures = new LinkedHashMap<>();
  private final List<String> notes = new ArrayList<>();

  void pass(String category) {
    counts.computeIfAbsent(category, c -> new int[2])[0]++;
  }

  void fail(String category, String message) {
    counts.computeIfAbsent(category, c -> new int[2])[1]++;
    failures.computeIfAbsent(category, c -> new ArrayList<>()).add(message);
  }

  void note(String message) {
    notes.add(message);
  }

  int passed() {
    return counts.values().stream().mapToInt(c -> c[0]).sum();
  }

  int failed() {
    return counts.values().stream().mapToInt(c -> c[1]).sum();
  }

  int passed(String category) {
    return counts.getOrDefault(category, new int[2])[0];
  }

  int failed(String category) {
    return counts.getOrDefault(category, new int[2])[1];
  }

  List<String> failures(String category) {
    return failures.getOrDefault(category, List.of());
  }

  List<String> notes() {
    return notes;
  }

  /** The human-readable report; its last line is {@code N passed, M failed}. */
  String render() {
    StringBuilder out = new StringBuilder();
    for (String note : notes) {
      out.append(note).append('\n');
    }
    for (Map.Entry<String, List<String>> entry : failures.entrySet()) {
      List<String> list = entry.getValue();
      for (int i = 0; i < Math.min(list.size(), LISTED_FAILURES); i++) {
        out.append("FAIL ").append(list.get(i)).append('\n');
      }
      if (list.size() > LISTED_FAILURES) {
        out.append("FAIL ... and ")
            .append(list.size() - LISTED_FAILURES)
            .append(" more in ")
            .append(entry.getKey())
            .append('\n');
      }
    }
    for (Map.Entry<String, int[]> entry : counts.entrySet()) {
      out.append(String.format(Locale.ROOT, "%-40s %8d passed, %d failed%n",
          entry.getKey(), entry.getValue()[0], entry.getValue()[1]));
    }
    out.append(passed()).append(" passed, ").append(failed()).append(" failed\n");
    return out.toString();
  }
}
