package dev.claudemesh.daemon.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** A plain text table for the human output of list commands ({@code --json} gives the data). */
final class Table {
  private final List<String[]> rows = new ArrayList<>();
  private final int columns;

  Table(String... header) {
    this.columns = header.length;
    rows.add(header);
  }

  Table row(String... cells) {
    if (cells.length != columns) {
      throw new IllegalArgumentException("row has " + cells.length + " cells, table " + columns);
    }
    String[] clean = new String[cells.length];
    for (int i = 0; i < cells.length; i++) {
      clean[i] = printable(cells[i]);
    }
    rows.add(clean);
    return this;
  }

  /** One line per cell: control characters (a peer's text could hold them) shown as '?'. */
  static String printable(String s) {
    StringBuilder b = new StringBuilder(s.length());
    s.codePoints().forEach(c -> b.appendCodePoint(Character.isISOControl(c) ? '?' : c));
    return b.toString();
  }

  void print(PrintWriter out) {
    int[] width = new int[columns];
    for (String[] row : rows) {
      for (int i = 0; i < columns; i++) {
        width[i] = Math.max(width[i], row[i].length());
      }
    }
    for (String[] row : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < columns; i++) {
        line.append(row[i]);
        if (i < columns - 1) {
          line.append(" ".repeat(width[i] - row[i].length() + 2));
        }
      }
      out.println(line.toString().stripTrailing());
    }
    out.flush();
  }
}
